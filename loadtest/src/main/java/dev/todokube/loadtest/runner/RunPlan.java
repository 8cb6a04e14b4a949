package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.user.UserProfile;
import java.time.Duration;

/**
 * A standalone run: against what, with how many users, spawned how fast, for how long, doing what.
 * During {@code warmUp} (zero: none) the users already run but their calls are left out of the
 * result, as h2load's {@code --warm-up-time}: the JVM's JIT compiles the hot path in the first
 * seconds, which is the generator's start-up, not the target's behaviour.
 */
public record RunPlan(Target target, Transport transport, ChannelMode channels, int users, double spawnRate,
                      Duration warmUp, Duration runTime, UserProfile profile) {

    public RunPlan {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, got " + users);
        }
        if (!(spawnRate > 0)) {
            throw new IllegalArgumentException("spawn rate must be positive, got " + spawnRate);
        }
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("warm-up time must not be negative, got " + warmUp);
        }
        if (runTime.isZero() || runTime.isNegative()) {
            throw new IllegalArgumentException("run time must be positive, got " + runTime);
        }
    }
}
