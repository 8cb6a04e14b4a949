package dev.todokube.bgkube.analysis;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The load one analysis drives at each side, in the load generator's terms.
 *
 * @param duration how long the measured window lasts
 * @param users simulated users per side
 * @param spawnRate users started per second
 * @param tasks the load generator's weighted tasks, e.g. {@code GetTodos=5,ListTodos=1}
 * @param waitTime the load generator's wait between tasks (e.g. {@code constant:10ms}); empty for its default
 * @param warmUp load before the measured window whose calls are left out (cold servers are slow at first)
 * @param deadline each call's deadline; empty for the load generator's
 */
public record LoadShape(Duration duration, int users, double spawnRate, String tasks, Optional<String> waitTime,
                        Duration warmUp, Optional<Duration> deadline) {

    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_USERS = 10;
    public static final String DEFAULT_TASKS = "GetTodos=1";
    /**
     * Long enough for both sides' servers to be past their first, slow calls under the default load,
     * so a p99 ratio compares steady states (the load generator's own start-up is never measured).
     */
    public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(5);

    public LoadShape {
        Objects.requireNonNull(duration);
        Objects.requireNonNull(tasks);
        Objects.requireNonNull(waitTime);
        Objects.requireNonNull(warmUp);
        Objects.requireNonNull(deadline);
        if (duration.isNegative() || duration.isZero() || users < 1 || !(spawnRate > 0) || warmUp.isNegative()) {
            throw new IllegalArgumentException("invalid load shape: " + duration + ", " + users + " users, "
                    + spawnRate + "/s, warm-up " + warmUp);
        }
    }

    /** How long the users take to start, rounded up to whole seconds. */
    public Duration rampUp() {
        return Duration.ofMillis((long) Math.ceil(users / spawnRate * 1000));
    }

    public String describe() {
        return users + " users (spawn rate " + Numbers.plain(spawnRate) + "/s), tasks " + tasks
                + waitTime.map(w -> ", wait " + w).orElse("")
                + deadline.map(d -> ", deadline " + Numbers.duration(d)).orElse("") + ", for " + Numbers.duration(duration)
                + (warmUp.isZero() ? "" : " after a warm-up of " + Numbers.duration(warmUp));
    }
}
