package dev.todokube.loadtest.user;

import dev.todokube.duration.Durations;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a simulated user waits between two tasks, as Locust's wait_time functions.
 * Written {@code between:100ms:1000ms}, {@code constant:1s} or {@code constant-throughput:2}.
 */
public sealed interface WaitTime {

    /** The original load test's wait: 100 to 1,000 ms, uniformly. */
    WaitTime DEFAULT = new Between(Duration.ofMillis(100), Duration.ofMillis(1000));

    /** A random wait, uniform between min and max (Locust's {@code between}). */
    record Between(Duration min, Duration max) implements WaitTime {
        public Between {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("wait time between " + Durations.format(min) + " and "
                        + Durations.format(max) + ": need 0 <= min <= max");
            }
        }

        @Override
        public String toString() {
            return "between:" + Durations.format(min) + ":" + Durations.format(max);
        }
    }

    /** The same wait after every task (Locust's {@code constant}). */
    record Constant(Duration delay) implements WaitTime {
        public Constant {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("constant wait time must not be negative");
            }
        }

        @Override
        public String toString() {
            return "constant:" + Durations.format(delay);
        }
    }

    /**
     * A fixed schedule of task starts per user (Locust's {@code constant_throughput}). Latency is
     * measured from each task's intended start on that schedule, so a slow server cannot hide its
     * slowness by delaying the calls that would have seen it (no coordinated omission).
     */
    record ConstantThroughput(double tasksPerSecond) implements WaitTime {
        public ConstantThroughput {
            if (!(tasksPerSecond > 0) || Double.isInfinite(tasksPerSecond)) {
                throw new IllegalArgumentException("constant throughput must be a positive number of tasks per second, got "
                        + tasksPerSecond);
            }
        }

        /** Time between two intended starts. */
        public long periodNanos() {
            return Math.round(1e9 / tasksPerSecond);
        }

        @Override
        public String toString() {
            return "constant-throughput:" + tasksPerSecond;
        }
    }

    /**
     * The wait after a task for {@link Between} and {@link Constant}; {@link ConstantThroughput}
     * follows its own schedule (see {@link VirtualUser}) and waits 0 here.
     */
    default long nextWaitNanos(RandomGenerator random) {
        if (this instanceof Between between) {
            long min = between.min().toNanos();
            long max = between.max().toNanos();
            return max == min ? min : random.nextLong(min, max + 1);
        }
        if (this instanceof Constant constant) {
            return constant.delay().toNanos();
        }
        return 0;
    }

    /**
     * Parses a wait time.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static WaitTime parse(String spec) {
        String[] parts = spec.trim().split(":");
        try {
            switch (parts[0]) {
                case "between":
                    if (parts.length == 3) {
                        return new Between(Durations.parse(parts[1]), Durations.parse(parts[2]));
                    }
                    break;
                case "constant":
                    if (parts.length == 2) {
                        return new Constant(Durations.parse(parts[1]));
                    }
                    break;
                case "constant-throughput":
                    if (parts.length == 2) {
                        return new ConstantThroughput(Double.parseDouble(parts[1]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("wait time '" + spec + "': '" + parts[1] + "' is not a number");
        }
        throw new IllegalArgumentException("wait time '" + spec
                + "' is not one of between:MIN:MAX, constant:WAIT, constant-throughput:TASKS_PER_SECOND");
    }
}
