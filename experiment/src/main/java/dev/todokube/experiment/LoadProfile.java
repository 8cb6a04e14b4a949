package dev.todokube.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * What the simulated users do, as loadtest options (validated by loadtest itself).
 *
 * @param channels loadtest's {@code --channels}, or null for its default
 */
record LoadProfile(int users, double spawnRate, String runTime, String waitTime, String tasks, String deadline,
                   String channels) {

    /** The options shared by {@code loadtest run} and the defaults offered by a Locust master. */
    List<String> runOptions() {
        List<String> options = new ArrayList<>(List.of(
                "--users", Integer.toString(users),
                "--spawn-rate", formatRate(),
                "--run-time", runTime,
                "--wait-time", waitTime));
        if (tasks != null) {
            options.addAll(List.of("--tasks", tasks));
        }
        if (deadline != null) {
            options.addAll(List.of("--deadline", deadline));
        }
        options.addAll(userOptions());
        return options;
    }

    /** The options a Locust worker takes too (its master sets users, rate and run time). */
    List<String> userOptions() {
        return channels == null ? List.of() : List.of("--channels", channels);
    }

    String formatRate() {
        return spawnRate == Math.rint(spawnRate) ? Long.toString((long) spawnRate) : Double.toString(spawnRate);
    }
}
