package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.HistoryPoint;
import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.stats.StatsAggregate;
import dev.todokube.loadtest.stats.StatsInterval;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A run without a Locust master: spawn the users, let them warm up if asked (their calls are
 * dropped), let them work for the run time, stop them, wait briefly for their last calls, and add
 * up the stats every second on the way.
 */
public final class StandaloneRun {

    /** How long, at most, the last calls may take to finish after the run time is up. */
    private static final Duration LAST_CALLS_GRACE = Duration.ofSeconds(5);

    /**
     * The shortest last interval (from the last tick to the end of the run) that becomes a history
     * point of its own; a shorter one would show a per-second rate taken over a sliver of time, so
     * its calls only join the previous point's running total.
     */
    private static final Duration SHORTEST_LAST_POINT = Duration.ofMillis(500);

    /** How long users wait for a shared channel pool to connect before they start anyway. */
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(5);

    private final RunPlan plan;
    private final Clock clock;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public StandaloneRun(RunPlan plan, Clock clock) {
        this.plan = plan;
        this.clock = clock;
    }

    /** Ends the run early (e.g. on Ctrl-C); {@link #execute} still returns the full result. */
    public void requestStop() {
        stopRequested.countDown();
    }

    public RunResult execute(ProgressListener progress) throws InterruptedException {
        RequestStats stats = new RequestStats(clock);
        StatsAggregate aggregate = new StatsAggregate();
        List<HistoryPoint> history = new ArrayList<>();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "loadtest-reporter");
            thread.setDaemon(true);
            return thread;
        });
        Connections connections = new Connections(plan.target(), plan.transport(), plan.channels());
        Instant startedAt;
        long startNanos;
        try (LocalRunner runner = new LocalRunner(connections, plan.profile(), stats)) {
            long[] lastTick = {System.nanoTime()};
            Runnable tick = () -> {
                synchronized (aggregate) {
                    long now = System.nanoTime();
                    StatsInterval interval = stats.drain();
                    aggregate.add(interval);
                    history.add(HistoryPoint.of(clock.instant().getEpochSecond(), runner.userCount(),
                            (now - lastTick[0]) / 1e9, interval, aggregate.total()));
                    lastTick[0] = now;
                    progress.tick(aggregate, runner.userCount());
                }
            };
            connections.awaitShared(CONNECT_WAIT);
            runner.rampTo(plan.users(), plan.spawnRate(), () -> progress.spawned(plan.users()));
            if (!plan.warmUp().isZero()
                    && !stopRequested.await(plan.warmUp().toNanos(), TimeUnit.NANOSECONDS)) {
                stats.drain();
            }
            startedAt = clock.instant();
            startNanos = System.nanoTime();
            lastTick[0] = startNanos;
            reporter.scheduleAtFixedRate(tick, 1, 1, TimeUnit.SECONDS);
            stopRequested.await(plan.runTime().toNanos(), TimeUnit.NANOSECONDS);
            int usersAtStop = runner.userCount();
            runner.stopAll();
            Duration grace = plan.profile().deadline().compareTo(LAST_CALLS_GRACE) < 0
                    ? plan.profile().deadline() : LAST_CALLS_GRACE;
            runner.awaitIdle(grace);
            // Shutting down drops a tick that has not started yet, so the last interval is added here.
            reporter.shutdown();
            reporter.awaitTermination(5, TimeUnit.SECONDS);
            synchronized (aggregate) {
                long now = System.nanoTime();
                StatsInterval last = stats.drain();
                aggregate.add(last);
                if (history.isEmpty() || now - lastTick[0] >= SHORTEST_LAST_POINT.toNanos()) {
                    history.add(HistoryPoint.of(clock.instant().getEpochSecond(), usersAtStop,
                            (now - lastTick[0]) / 1e9, last, aggregate.total()));
                } else {
                    int lastIndex = history.size() - 1;
                    history.set(lastIndex, history.get(lastIndex).withTotalSoFar(aggregate.total()));
                }
            }
        } finally {
            reporter.shutdownNow();
        }
        return new RunResult(plan, startedAt, Duration.ofNanos(System.nanoTime() - startNanos),
                aggregate.entries(), aggregate.total(), aggregate.errors(), history);
    }
}
