package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.HistoryPoint;
import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.stats.StatsAggregate;
import dev.todokube.loadtest.stats.StatsInterval;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A run without a Locust master: warm the generator itself up ({@link LoopbackWarmUp}), connect the
 * first users' channels, spawn the users, let them warm up if asked (their calls are dropped), let
 * them work for the run time, stop them, wait briefly for their last calls, and add up the stats
 * every second on the way. Only the run time is measured, whatever the warm-up time: the
 * generator's own start is never part of it.
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

    /** How long users wait for their channels to connect before they start anyway. */
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
        LoopbackWarmUp.Outcome warmUp;
        try {
            warmUp = LoopbackWarmUp.run(plan.profile(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the generator's own warm-up server on the loopback address: "
                    + e.getMessage(), e);
        }
        progress.warmedUp(warmUp.calls(), warmUp.took());
        RequestStats stats = new RequestStats(clock);
        History history = new History(clock);
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "loadtest-reporter");
            thread.setDaemon(true);
            return thread;
        });
        Connections connections = new Connections(plan.target(), plan.transport(), plan.channels());
        Instant startedAt;
        long startNanos;
        try (LocalRunner runner = new LocalRunner(connections, plan.profile(), stats)) {
            Runnable tick = () -> {
                synchronized (history) {
                    history.add(stats.drain(), runner.userCount());
                    progress.tick(history.aggregate, runner.userCount());
                }
            };
            connections.connectAhead((int) Math.min(plan.users(), Math.max(1, Math.ceil(plan.spawnRate()))),
                    CONNECT_WAIT);
            runner.rampTo(plan.users(), plan.spawnRate(), () -> progress.spawned(plan.users()));
            if (!plan.warmUp().isZero()
                    && !stopRequested.await(plan.warmUp().toNanos(), TimeUnit.NANOSECONDS)) {
                stats.drain();
            }
            startedAt = clock.instant();
            startNanos = System.nanoTime();
            history.start(startNanos);
            progress.measuring(startedAt);
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
            synchronized (history) {
                history.addLast(stats.drain(), usersAtStop);
            }
        } finally {
            reporter.shutdownNow();
        }
        StatsAggregate aggregate = history.aggregate;
        return new RunResult(plan, startedAt, Duration.ofNanos(System.nanoTime() - startNanos),
                aggregate.entries(), aggregate.total(), aggregate.ok(), aggregate.errors(), history.points);
    }

    /** The run's totals so far and one history point per reporting interval. */
    private static final class History {

        private final Clock clock;
        private final StatsAggregate aggregate = new StatsAggregate();
        private final List<HistoryPoint> points = new ArrayList<>();
        private long lastPointNanos;

        History(Clock clock) {
            this.clock = clock;
        }

        synchronized void start(long nanos) {
            lastPointNanos = nanos;
        }

        /** The interval since the last point, as a point of its own. */
        synchronized void add(StatsInterval interval, int users) {
            long now = System.nanoTime();
            aggregate.add(interval);
            points.add(HistoryPoint.of(clock.instant().getEpochSecond(), users, (now - lastPointNanos) / 1e9, interval,
                    aggregate.total()));
            lastPointNanos = now;
        }

        /** The run's last interval: a point of its own, unless it is a sliver whose calls only join the running total. */
        synchronized void addLast(StatsInterval interval, int users) {
            if (points.isEmpty() || System.nanoTime() - lastPointNanos >= SHORTEST_LAST_POINT.toNanos()) {
                add(interval, users);
                return;
            }
            aggregate.add(interval);
            int last = points.size() - 1;
            points.set(last, points.get(last).withTotalSoFar(aggregate.total()));
        }
    }
}
