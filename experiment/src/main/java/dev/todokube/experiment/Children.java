package dev.todokube.experiment;

import dev.todokube.testkit.process.ChildProcess;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Every process the experiment started, stopped newest first: SIGTERM, a short grace, then SIGKILL.
 * Safe to call from the main thread and from the shutdown hook at the same time.
 */
final class Children {

    private final Deque<ChildProcess> started = new ArrayDeque<>();
    private boolean closed;

    /**
     * Keeps the child to stop later; once {@link #stopAll} has run, kills it at once instead (it was
     * started while the experiment stopped) and fails.
     */
    synchronized <T extends ChildProcess> T add(T child) {
        if (closed) {
            child.close();
            throw new IllegalStateException(child + " started while the experiment was stopping, and was killed");
        }
        started.push(child);
        return child;
    }

    void stopAll(Duration grace) {
        synchronized (this) {
            closed = true;
        }
        while (true) {
            ChildProcess next;
            synchronized (this) {
                next = started.poll();
            }
            if (next == null) {
                return;
            }
            stop(next, grace);
        }
    }

    private static void stop(ChildProcess child, Duration grace) {
        try {
            if (child.isAlive()) {
                child.terminate(grace);
            }
        } catch (IllegalStateException e) {
            System.err.println("experiment: " + child + " ignored SIGTERM for " + grace + " and was killed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            child.close();
        }
    }
}
