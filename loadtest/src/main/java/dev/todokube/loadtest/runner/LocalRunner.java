package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.VirtualUser;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs simulated users in this JVM: spawns them at a rate, stops them, and waits for their last
 * calls. All users share one small scheduler (one thread per core); calls complete on gRPC's
 * transport threads. Used by the standalone run and by the Locust worker alike.
 */
public final class LocalRunner implements AutoCloseable {

    private static final long RAMP_TICK_MILLIS = 10;

    private final Connections connections;
    private final RequestStats stats;
    private final ScheduledThreadPoolExecutor scheduler;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<RunningUser> users = new ArrayList<>();
    private UserProfile profile;
    private ScheduledFuture<?> ramp;
    private long seeds;

    private record RunningUser(VirtualUser user, ManagedChannel channel) {
    }

    public LocalRunner(Connections connections, UserProfile profile, RequestStats stats) {
        this.connections = connections;
        this.profile = profile;
        this.stats = stats;
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = new ScheduledThreadPoolExecutor(Math.max(2, Runtime.getRuntime().availableProcessors()), task -> {
            Thread thread = new Thread(task, "loadtest-users-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Users spawned from now on behave as this profile says (a Locust master may change it per run). */
    public synchronized void useProfile(UserProfile newProfile) {
        this.profile = newProfile;
    }

    /**
     * Moves to {@code target} users: stops surplus users at once, or spawns the missing ones at
     * {@code spawnRate} per second (infinite: all at once). Replaces a ramp still in progress.
     *
     * @param onReached runs once the target is reached
     */
    public synchronized void rampTo(int target, double spawnRate, Runnable onReached) {
        if (ramp != null) {
            ramp.cancel(false);
            ramp = null;
        }
        while (users.size() > target) {
            stop(users.remove(users.size() - 1));
        }
        if (users.size() == target) {
            onReached.run();
            return;
        }
        if (Double.isInfinite(spawnRate)) {
            while (users.size() < target) {
                spawnOne();
            }
            onReached.run();
            return;
        }
        int from = users.size();
        long rampStart = System.nanoTime();
        ramp = scheduler.scheduleAtFixedRate(() -> {
            synchronized (this) {
                double elapsed = (System.nanoTime() - rampStart) / 1e9;
                long due = Math.min(target, from + 1 + (long) Math.floor(spawnRate * elapsed));
                while (users.size() < due) {
                    spawnOne();
                }
                if (users.size() >= target && ramp != null) {
                    ramp.cancel(false);
                    ramp = null;
                    onReached.run();
                }
            }
        }, 0, RAMP_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    public synchronized int userCount() {
        return users.size();
    }

    /** Stops every user (no new calls start) and any ramp. */
    public synchronized void stopAll() {
        if (ramp != null) {
            ramp.cancel(false);
            ramp = null;
        }
        users.forEach(this::stop);
        users.clear();
    }

    /** Calls started and not yet completed. */
    public int callsInFlight() {
        return inFlight.get();
    }

    /** Waits until no call is in flight, at most {@code timeout}; true if none is. */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    @Override
    public void close() {
        stopAll();
        scheduler.shutdownNow();
        connections.close();
    }

    private void spawnOne() {
        int index = users.size();
        ManagedChannel channel = connections.acquire(index);
        VirtualUser user = new VirtualUser(channel, profile, stats, scheduler, inFlight, ++seeds * 0x9E3779B97F4A7C15L);
        users.add(new RunningUser(user, channel));
        user.start();
    }

    private void stop(RunningUser running) {
        running.user().stop();
        connections.release(running.channel());
    }
}
