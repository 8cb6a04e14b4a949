package dev.todokube.loadtest.report;

import dev.todokube.loadtest.runner.ProgressListener;
import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.StatsAggregate;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Prints the request table every few seconds while a run goes, and the final summary at the end. */
public final class ConsoleReport implements ProgressListener {

    /** How the line that opens the measured window starts. */
    public static final String MEASURING = "Measuring from ";

    private final PrintStream out;
    private final int everyTicks;
    private int ticks;

    public ConsoleReport(PrintStream out, Duration interval) {
        this.out = out;
        this.everyTicks = (int) Math.max(1, interval.toSeconds());
    }

    @Override
    public void warmedUp(long calls, Duration took) {
        out.printf(Locale.ROOT, "Warmed up against itself: %,d calls in %.1f s (none to the target)%n", calls,
                took.toMillis() / 1000.0);
    }

    /** The line {@value #MEASURING} and the instant: a process that runs this one reads it to line its own window up. */
    @Override
    public void measuring(Instant from) {
        out.println(MEASURING + from);
        out.flush();
    }

    @Override
    public void spawned(int users) {
        out.println("All users spawned: " + users + " users");
    }

    @Override
    public void tick(StatsAggregate soFar, int users) {
        if (++ticks % everyTicks != 0) {
            return;
        }
        out.println();
        out.println("users: " + users);
        Tables.requests(soFar.entries(), soFar.total()).forEach(out::println);
        out.flush();
    }

    /** The final summary: requests, percentiles and errors, as Locust prints when it quits. */
    public void summary(RunResult result) {
        out.println();
        out.printf("Run finished after %.1f s against %s with %d users%n", result.elapsed().toMillis() / 1000.0,
                result.plan().target(), result.plan().users());
        Tables.requests(result.entries(), result.total()).forEach(out::println);
        out.println();
        Tables.percentiles(result.entries(), result.total()).forEach(out::println);
        out.println();
        Tables.errors(result.errors()).forEach(out::println);
        out.flush();
    }
}
