package dev.todokube.loadtest.user;

import dev.todokube.loadtest.stats.RequestStats;
import io.grpc.Channel;
import io.grpc.Status;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated user: pick a task, call it asynchronously, record the outcome, wait, repeat.
 * It owns no thread: each step is a task on the shared scheduler or the completion of a call, so
 * ten thousand users cost ten thousand small objects, not ten thousand threads.
 *
 * <p>When the next task is due at once (wait time 0, or a constant-throughput user running
 * late), it starts on the thread that completed the previous call, the channel's event loop, so
 * a closed loop pays no thread hand-off per call. A call that completes while it is still being
 * started (a channel that fails it at once) goes through the scheduler instead, so a failing
 * target cannot recurse down the stack.
 */
public final class VirtualUser {

    private final UserProfile profile;
    private final RequestStats stats;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger inFlight;
    private final SplittableRandom random;
    private final TodosCalls calls;
    private volatile boolean stopped;
    /** True while {@link #runTask} is starting a call, on whichever thread runs it. */
    private volatile boolean starting;
    /** The schedule of a constant-throughput user: when its next task should start. */
    private long intendedStartNanos;

    /**
     * @param inFlight counts calls in flight across users, so a runner can wait for them at the end
     */
    public VirtualUser(Channel channel, UserProfile profile, RequestStats stats, ScheduledExecutorService scheduler,
                       AtomicInteger inFlight, long seed) {
        this.profile = profile;
        this.stats = stats;
        this.scheduler = scheduler;
        this.inFlight = inFlight;
        this.random = new SplittableRandom(seed);
        this.calls = new TodosCalls(channel, profile, random);
    }

    /** Starts the first task now, as a Locust user does when it is spawned. */
    public void start() {
        intendedStartNanos = System.nanoTime();
        schedule(0);
    }

    /**
     * No new call starts once this returns (so the caller may shut the user's channel down); a call
     * in flight still completes and is recorded.
     */
    public void stop() {
        synchronized (this) {
            stopped = true;
        }
    }

    private synchronized void runTask() {
        if (stopped) {
            return;
        }
        Rpc rpc = profile.tasks().pick(random);
        long startNanos = profile.waitTime() instanceof WaitTime.ConstantThroughput
                ? intendedStartNanos
                : System.nanoTime();
        inFlight.incrementAndGet();
        starting = true;
        try {
            calls.call(rpc, result -> completed(rpc, startNanos, result));
        } catch (RuntimeException e) {
            completed(rpc, startNanos, new CallResult(Status.fromThrowable(e).getCode(), 0));
        } finally {
            starting = false;
        }
    }

    private void completed(Rpc rpc, long startNanos, CallResult result) {
        long now = System.nanoTime();
        long responseTime = now - startNanos;
        if (result.code() == Status.Code.OK) {
            stats.success(rpc.name(), responseTime, result.contentLength());
        } else {
            stats.failure(rpc.name(), responseTime, result.code().name());
        }
        inFlight.decrementAndGet();
        if (stopped) {
            return;
        }
        long delayNanos;
        if (profile.waitTime() instanceof WaitTime.ConstantThroughput throughput) {
            intendedStartNanos += throughput.periodNanos();
            delayNanos = Math.max(0, intendedStartNanos - now);
        } else {
            delayNanos = profile.waitTime().nextWaitNanos(random);
        }
        if (delayNanos == 0 && !starting) {
            runTask();
        } else {
            schedule(delayNanos);
        }
    }

    private void schedule(long delayNanos) {
        try {
            scheduler.schedule(this::runTask, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The runner shut the scheduler down: the run is over for this user too.
            stopped = true;
        }
    }
}
