package dev.todokube.experiment.autoscale;

import java.time.Duration;
import java.util.List;

/**
 * An HPA's behaviour in one direction: the stabilisation window, and the policies that limit how
 * fast replicas change, combined by {@code selectPolicy}.
 */
public record ScalingRules(Duration stabilizationWindow, SelectPolicy selectPolicy, List<ScalingPolicy> policies) {

    /** Kubernetes' {@code Max} (the policy allowing the largest change), {@code Min} and {@code Disabled}. */
    public enum SelectPolicy {
        MAX, MIN, DISABLED
    }

    public ScalingRules {
        policies = List.copyOf(policies);
        if (stabilizationWindow.isNegative() || stabilizationWindow.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("a stabilization window must be 0 to 3600 seconds, got "
                    + stabilizationWindow.toSeconds());
        }
        if (policies.isEmpty() && selectPolicy != SelectPolicy.DISABLED) {
            throw new IllegalArgumentException("scaling rules need at least one policy unless disabled");
        }
    }

    /** Kubernetes' default scale-up: no stabilisation; double, or add 4 pods, every 15 s, whichever is more. */
    public static ScalingRules defaultScaleUp() {
        return new ScalingRules(Duration.ZERO, SelectPolicy.MAX, List.of(
                ScalingPolicy.percent(100, Duration.ofSeconds(15)), ScalingPolicy.pods(4, Duration.ofSeconds(15))));
    }

    /** Kubernetes' default scale-down: the highest recommendation of the last 5 minutes; then any number at once. */
    public static ScalingRules defaultScaleDown() {
        return new ScalingRules(Duration.ofMinutes(5), SelectPolicy.MAX, List.of(
                ScalingPolicy.percent(100, Duration.ofSeconds(15))));
    }

    /** The longest policy period: scale events older than that no longer limit anything. */
    Duration longestPeriod() {
        return policies.stream().map(ScalingPolicy::period).max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
