package dev.todokube.experiment.autoscale;

import java.time.Duration;

/**
 * One policy of an HPA's scale-up or scale-down behaviour: at most {@code value} pods, or
 * {@code value} percent of the replicas at the period's start, added (or removed) per {@code period}.
 */
public record ScalingPolicy(Type type, int value, Duration period) {

    /** Kubernetes' {@code Pods} and {@code Percent}. */
    public enum Type {
        PODS, PERCENT
    }

    public ScalingPolicy {
        if (value < 1) {
            throw new IllegalArgumentException("a scaling policy's value must be at least 1, got " + value);
        }
        if (period.isNegative() || period.isZero() || period.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("a scaling policy's period must be 1 to 1800 seconds, got "
                    + period.toSeconds());
        }
    }

    public static ScalingPolicy pods(int value, Duration period) {
        return new ScalingPolicy(Type.PODS, value, period);
    }

    public static ScalingPolicy percent(int value, Duration period) {
        return new ScalingPolicy(Type.PERCENT, value, period);
    }

    @Override
    public String toString() {
        return (type == Type.PODS ? value + " pods" : value + "%") + " per " + period.toSeconds() + " s";
    }
}
