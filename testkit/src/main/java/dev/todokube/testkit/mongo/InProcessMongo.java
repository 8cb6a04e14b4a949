package dev.todokube.testkit.mongo;

import de.bwaldvogel.mongo.MongoServer;
import java.net.InetSocketAddress;

/**
 * A MongoDB wire-protocol server (mongo-java-server, in-memory backend) on 127.0.0.1 and an
 * ephemeral port, for tests. {@link #stop()} simulates an outage: the listener and every client
 * connection close, but the data survives, and {@link #restart()} serves it again on the same port.
 */
public final class InProcessMongo implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final RetainingMemoryBackend backend;
    private final int port;
    private MongoServer server;

    private InProcessMongo(RetainingMemoryBackend backend, MongoServer server, int port) {
        this.backend = backend;
        this.server = server;
        this.port = port;
    }

    /** Starts a server on 127.0.0.1 and an ephemeral port. */
    public static InProcessMongo start() {
        RetainingMemoryBackend backend = new RetainingMemoryBackend();
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress(HOST, 0));
        return new InProcessMongo(backend, server, server.getLocalAddress().getPort());
    }

    public int port() {
        return port;
    }

    /** The connection string, {@code mongodb://127.0.0.1:<port>}. */
    public String uri() {
        return "mongodb://" + HOST + ":" + port;
    }

    /** Closes the listener and all client connections; the data is kept for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdownNow();
            server = null;
        }
    }

    /** Serves the same data on the same port again. No-op while already running. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        MongoServer next = new MongoServer(backend);
        bindWithRetry(next);
        server = next;
    }

    /** Stops the server and drops the data. */
    @Override
    public synchronized void close() {
        stop();
        backend.discard();
    }

    // The port may stay busy for a moment after stop() while the kernel releases it.
    private void bindWithRetry(MongoServer next) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                next.bind(new InetSocketAddress(HOST, port));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot bind " + HOST + ":" + port + " again", e);
                }
                sleepBriefly();
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rebinding", e);
        }
    }

    @Override
    public String toString() {
        return "InProcessMongo[" + uri() + "]";
    }
}
