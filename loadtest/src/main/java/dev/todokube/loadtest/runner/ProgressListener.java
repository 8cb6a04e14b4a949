package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.StatsAggregate;

/** Told about a standalone run as it goes, e.g. to print the console table. */
public interface ProgressListener {

    /** Once all users are spawned. */
    void spawned(int users);

    /** After every reporting interval (one second), with the totals so far; called from one thread. */
    void tick(StatsAggregate soFar, int users);
}
