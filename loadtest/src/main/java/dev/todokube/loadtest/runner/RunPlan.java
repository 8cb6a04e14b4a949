package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.user.UserProfile;
import java.time.Duration;

/** A standalone run: against what, with how many users, spawned how fast, for how long, doing what. */
public record RunPlan(Target target, Transport transport, ChannelMode channels, int users, double spawnRate,
                      Duration runTime, UserProfile profile) {

    public RunPlan {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, got " + users);
        }
        if (!(spawnRate > 0)) {
            throw new IllegalArgumentException("spawn rate must be positive, got " + spawnRate);
        }
        if (runTime.isZero() || runTime.isNegative()) {
            throw new IllegalArgumentException("run time must be positive, got " + runTime);
        }
    }
}
