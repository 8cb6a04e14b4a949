package dev.todokube.testkit.mongo;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * An {@link InProcessMongo} in a process of its own, until the process is stopped: prints
 * {@code mongo ready: uri=<uri>} once it listens. Benchmarks pin it to a core, and the build's
 * cache training run talks to it (todo-api/bin/train-cache).
 */
public final class MongoStandIn {

    private MongoStandIn() {
    }

    public static void main(String[] args) throws InterruptedException {
        serveUntilStopped(System.out);
    }

    /** Serves until the JVM shuts down (SIGTERM, SIGINT); returns after the server has closed. */
    public static void serveUntilStopped(PrintStream out) throws InterruptedException {
        InProcessMongo mongo = InProcessMongo.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mongo.close();
            stopped.countDown();
        }, "mongo-shutdown"));
        out.println("mongo ready: uri=" + mongo.uri());
        out.flush();
        stopped.await();
    }
}
