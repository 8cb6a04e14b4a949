package dev.todokube.testkit.mongo;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A memory backend that survives {@code MongoServer.shutdownNow()}: the server closes its backend on
 * shutdown, which drops every database, but an outage must keep the data. {@link #discard()} really
 * closes it. It also answers {@code getnonce}, as MongoDB up to 4.0 did: the original Go service's
 * driver (mgo) sends it on every new connection, and mongo-java-server alone closes the connection.
 */
final class RetainingMemoryBackend extends MemoryBackend {

    private final SecureRandom random = new SecureRandom();

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (command.equalsIgnoreCase("getnonce")) {
            byte[] nonce = new byte[8];
            random.nextBytes(nonce);
            return new Document("nonce", HexFormat.of().formatHex(nonce)).append("ok", 1.0);
        }
        return super.handleCommand(channel, databaseName, command, query);
    }

    @Override
    public void close() {
        // Kept open on purpose; see the class comment.
    }

    void discard() {
        super.close();
    }
}
