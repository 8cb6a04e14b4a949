package dev.todokube.experiment.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Kubernetes' HorizontalPodAutoscaler controller for one CPU utilisation target, as a plain object:
 * each {@link #sync} is one pass of the controller over the pods it sees at that moment (every sync
 * period, 15 s by default), and returns the replica count to scale to. It follows the documented
 * algorithm: the replica calculator's proposal ({@link ReplicaCalculator}); then the behaviour: the
 * stabilisation windows (the lowest recommendation of the scale-up window, the highest of the
 * scale-down window, bound the result) and the policies' rate limits over the scale events of their
 * periods; then the replica range. It keeps the recommendations and scale events it needs, nothing
 * else; time comes from the caller.
 */
public final class HorizontalPodAutoscaler {

    static final String CPU_ABOVE_TARGET = "cpu resource utilization (percentage of request) above target";
    static final String BELOW_TARGET = "All metrics below target";

    private record Timestamped(Instant at, int replicas) {
    }

    private final AutoscalerSpec spec;
    private final ReplicaCalculator calculator;
    private final List<Timestamped> recommendations = new ArrayList<>();
    private final List<Timestamped> scaleUps = new ArrayList<>();
    private final List<Timestamped> scaleDowns = new ArrayList<>();

    public HorizontalPodAutoscaler(AutoscalerSpec spec, ControllerSettings settings) {
        this.spec = spec;
        this.calculator = new ReplicaCalculator(settings);
    }

    public AutoscalerSpec spec() {
        return spec;
    }

    /**
     * One controller pass.
     *
     * @param currentReplicas the Deployment's replica count (its spec, not the pods that exist)
     * @param pods the Deployment's pods, ready or not, terminating ones included
     */
    public Decision sync(Instant now, int currentReplicas, List<PodStatus> pods) {
        if (currentReplicas > spec.maxReplicas()) {
            return rescale(now, currentReplicas, spec.maxReplicas(), OptionalInt.empty(), OptionalInt.empty(),
                    "Current number of replicas above Spec.MaxReplicas", Optional.empty());
        }
        if (currentReplicas < spec.minReplicas()) {
            return rescale(now, currentReplicas, spec.minReplicas(), OptionalInt.empty(), OptionalInt.empty(),
                    "Current number of replicas below Spec.MinReplicas", Optional.empty());
        }
        Optional<ReplicaCalculator.Proposal> proposal = calculator.propose(now, currentReplicas, pods,
                spec.targetUtilization());
        if (proposal.isEmpty()) {
            return new Decision(now, currentReplicas, currentReplicas, OptionalInt.empty(), OptionalInt.empty(),
                    Optional.of(new Decision.Event("Warning", "FailedGetResourceMetric",
                            "did not receive metrics for targeted pods (pods might be unready)")),
                    Optional.empty());
        }
        int proposed = proposal.get().replicas();
        String reason = proposed > currentReplicas ? CPU_ABOVE_TARGET : BELOW_TARGET;
        OptionalInt utilization = OptionalInt.of(proposal.get().utilization());
        OptionalInt average = OptionalInt.of(proposal.get().averageMillicores());

        Optional<String> limitedBy = Optional.empty();
        int stabilized = stabilize(now, currentReplicas, proposed);
        if (stabilized != proposed) {
            limitedBy = Optional.of(proposed >= currentReplicas ? "ScaleUpStabilized" : "ScaleDownStabilized");
        }
        Limited desired = limitRate(now, currentReplicas, stabilized);
        if (desired.replicas() != stabilized) {
            limitedBy = Optional.of(desired.condition());
        }
        if (desired.replicas() == currentReplicas) {
            return new Decision(now, currentReplicas, currentReplicas, utilization, average, Optional.empty(), limitedBy);
        }
        return rescale(now, currentReplicas, desired.replicas(), utilization, average, reason, limitedBy);
    }

    private Decision rescale(Instant now, int current, int desired, OptionalInt utilization, OptionalInt average,
            String reason, Optional<String> limitedBy) {
        if (desired > current) {
            scaleUps.add(new Timestamped(now, desired - current));
        } else {
            scaleDowns.add(new Timestamped(now, current - desired));
        }
        // Either direction's events count in the other's limits, over that direction's periods.
        Instant horizon = now.minus(max(spec.scaleUp().longestPeriod(), spec.scaleDown().longestPeriod()));
        forgetBefore(scaleUps, horizon);
        forgetBefore(scaleDowns, horizon);
        return new Decision(now, current, desired, utilization, average, Optional.of(new Decision.Event(
                "Normal", "SuccessfulRescale", "New size: " + desired + "; reason: " + reason)), limitedBy);
    }

    /**
     * Bounds the proposal by the recommendations of the windows: no higher than the lowest of the
     * scale-up window, no lower than the highest of the scale-down window (the proposal itself counts
     * in both); then records the proposal.
     */
    private int stabilize(Instant now, int current, int proposed) {
        Instant upCutoff = now.minus(spec.scaleUp().stabilizationWindow());
        Instant downCutoff = now.minus(spec.scaleDown().stabilizationWindow());
        int up = proposed;
        int down = proposed;
        for (Timestamped recommendation : recommendations) {
            if (recommendation.at().isAfter(upCutoff)) {
                up = Math.min(up, recommendation.replicas());
            }
            if (recommendation.at().isAfter(downCutoff)) {
                down = Math.max(down, recommendation.replicas());
            }
        }
        Duration longest = max(spec.scaleUp().stabilizationWindow(), spec.scaleDown().stabilizationWindow());
        forgetBefore(recommendations, now.minus(longest));
        recommendations.add(new Timestamped(now, proposed));
        return Math.min(Math.max(current, up), down);
    }

    private record Limited(int replicas, String condition) {
    }

    /** The policies' limit on the change since each period's start, then the replica range. */
    private Limited limitRate(Instant now, int current, int desired) {
        if (desired > current) {
            int limit = Math.max(current, policyLimit(now, current, true));
            int allowed = Math.min(spec.maxReplicas(), limit);
            if (desired > allowed) {
                return new Limited(allowed, spec.maxReplicas() > limit ? "ScaleUpLimit" : "TooManyReplicas");
            }
        } else if (desired < current) {
            int limit = Math.min(current, policyLimit(now, current, false));
            int allowed = Math.max(spec.minReplicas(), limit);
            if (desired < allowed) {
                return new Limited(allowed, spec.minReplicas() < limit ? "ScaleDownLimit" : "TooFewReplicas");
            }
        }
        return new Limited(desired, "DesiredWithinRange");
    }

    /**
     * How far the policies let the count go in one direction: each policy's step from the count at its
     * period's start (the changes within the period undone); the furthest of them with {@code Max},
     * the nearest with {@code Min}.
     */
    private int policyLimit(Instant now, int current, boolean up) {
        ScalingRules rules = up ? spec.scaleUp() : spec.scaleDown();
        if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
            return current;
        }
        boolean furthest = rules.selectPolicy() == ScalingRules.SelectPolicy.MAX;
        int limit = 0;
        for (int i = 0; i < rules.policies().size(); i++) {
            ScalingPolicy policy = rules.policies().get(i);
            int periodStart = current - changedWithin(scaleUps, now, policy.period())
                    + changedWithin(scaleDowns, now, policy.period());
            int proposed = step(policy, periodStart, up);
            limit = i == 0 ? proposed : (up == furthest) ? Math.max(limit, proposed) : Math.min(limit, proposed);
        }
        return limit;
    }

    private static int step(ScalingPolicy policy, int from, boolean up) {
        if (policy.type() == ScalingPolicy.Type.PODS) {
            return up ? from + policy.value() : from - policy.value();
        }
        // Up rounds up, or a small count could never grow; down truncates, as Kubernetes' conversion does.
        return up ? (int) Math.ceil(from * (1 + policy.value() / 100.0)) : (int) (from * (1 - policy.value() / 100.0));
    }

    private static int changedWithin(List<Timestamped> events, Instant now, Duration period) {
        Instant cutoff = now.minus(period);
        return events.stream().filter(event -> event.at().isAfter(cutoff)).mapToInt(Timestamped::replicas).sum();
    }

    private static void forgetBefore(List<Timestamped> entries, Instant cutoff) {
        entries.removeIf(entry -> entry.at().isBefore(cutoff));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
