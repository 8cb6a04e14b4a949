package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.StatsAggregate;
import java.time.Duration;
import java.time.Instant;

/** Told about a standalone run as it goes, e.g. to print the console table. */
public interface ProgressListener {

    /** After the generator warmed its own call path up against itself, before anything reaches the target. */
    void warmedUp(long calls, Duration took);

    /** When the measured window opens: no call before this instant is in any report. */
    void measuring(Instant from);

    /** Once all users are spawned. */
    void spawned(int users);

    /** After every reporting interval (one second), with the totals so far; called from one thread. */
    void tick(StatsAggregate soFar, int users);
}
