package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.StatsAggregate;
import java.time.Duration;
import java.time.Instant;

/** A progress listener for tests that read only the run's result. */
class SilentProgress implements ProgressListener {

    @Override
    public void warmedUp(long calls, Duration took) {
    }

    @Override
    public void measuring(Instant from) {
    }

    @Override
    public void spawned(int users) {
    }

    @Override
    public void tick(StatsAggregate soFar, int users) {
    }
}
