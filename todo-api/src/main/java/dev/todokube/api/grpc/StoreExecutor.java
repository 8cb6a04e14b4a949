package dev.todokube.api.grpc;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where store calls run. A non-blocking store runs inline on the transport thread (the server uses
 * directExecutor: no thread hop per call). A blocking store runs on a fixed pool with a bounded
 * queue: the transport threads never block, and when the queue is full the call is rejected at once
 * (UNAVAILABLE) instead of piling up memory and latency.
 */
public final class StoreExecutor implements Executor, AutoCloseable {

    private final Executor executor;
    private final ThreadPoolExecutor pool;
    private final String description;

    private StoreExecutor(Executor executor, ThreadPoolExecutor pool, String description) {
        this.executor = executor;
        this.pool = pool;
        this.description = description;
    }

    public static StoreExecutor inline() {
        return new StoreExecutor(Runnable::run, null, "inline");
    }

    public static StoreExecutor bounded(int threads, int queueSize) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueSize), new StoreThreadFactory(), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return new StoreExecutor(pool, pool, "pool(threads=" + threads + ", queue=" + queueSize + ")");
    }

    /** Throws RejectedExecutionException when the queue is full. */
    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    /** Calls waiting for a thread; 0 when inline. */
    public int queued() {
        return pool == null ? 0 : pool.getQueue().size();
    }

    /** Lets queued and running calls finish, up to the timeout. */
    public void shutdown(Duration timeout) throws InterruptedException {
        if (pool != null) {
            pool.shutdown();
            if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private static final class StoreThreadFactory implements ThreadFactory {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "store-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
