package dev.todokube.experiment;

import java.util.ArrayList;
import java.util.List;

/** What the simulated users do, as loadtest options (validated by loadtest itself). */
record LoadProfile(int users, double spawnRate, String runTime, String waitTime, String tasks, String deadline) {

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
        return options;
    }

    String formatRate() {
        return spawnRate == Math.rint(spawnRate) ? Long.toString((long) spawnRate) : Double.toString(spawnRate);
    }
}
