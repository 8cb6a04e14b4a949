package dev.todokube.loadtest;

import java.time.Duration;

/**
 * The project's duration grammar ({@link dev.todokube.duration.Durations}) under its old name, for
 * the {@code locust} package only: that package is being changed on another branch, so its import
 * moves to {@code dev.todokube.duration.Durations} when the two branches meet, and this class goes.
 */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        return dev.todokube.duration.Durations.parse(text);
    }

    public static String format(Duration duration) {
        return dev.todokube.duration.Durations.format(duration);
    }
}
