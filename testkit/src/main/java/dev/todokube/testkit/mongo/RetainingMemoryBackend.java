package dev.todokube.testkit.mongo;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A memory backend that survives {@code MongoServer.shutdownNow()}: the server closes its backend on
 * shutdown, which drops every database, but an outage must keep the data. {@link #discard()} really
 * closes it.
 */
final class RetainingMemoryBackend extends MemoryBackend {

    @Override
    public void close() {
        // Kept open on purpose; see the class comment.
    }

    void discard() {
        super.close();
    }
}
