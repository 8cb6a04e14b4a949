package dev.todokube.experiment.autoscale;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The replica count a CPU utilisation target asks for, as Kubernetes' replica calculator computes it
 * for a Resource metric: desired = ceil(ready pods x utilisation / target), nothing within the
 * tolerance, and the documented treatment of pods being deleted (ignored), pods without a metric
 * (100% of their request on a scale-down, 0% on a scale-up) and pods not yet ready (0% on a scale-up,
 * left out otherwise), after which a proposal that turns the direction round or falls within the
 * tolerance keeps the current count.
 */
final class ReplicaCalculator {

    /** The proposal, and the utilisation the status reports (from the pods that counted, before any fill-in). */
    record Proposal(int replicas, int utilization, int averageMillicores) {
    }

    private final ControllerSettings settings;

    ReplicaCalculator(ControllerSettings settings) {
        this.settings = settings;
    }

    /**
     * @return empty when no pod has a usable metric (Kubernetes then records a failed sync and keeps the count)
     */
    Optional<Proposal> propose(Instant now, int currentReplicas, List<PodStatus> pods, int targetUtilization) {
        Map<String, Long> requests = new LinkedHashMap<>();
        Map<String, Long> metrics = new LinkedHashMap<>();
        Set<String> missing = new TreeSet<>();
        Set<String> unready = new TreeSet<>();
        for (PodStatus pod : pods) {
            if (pod.terminating()) {
                continue;
            }
            requests.put(pod.name(), pod.cpuRequestMillis());
            if (pod.cpu().isEmpty()) {
                missing.add(pod.name());
            } else if (notYetReady(now, pod, pod.cpu().get())) {
                unready.add(pod.name());
            } else {
                metrics.put(pod.name(), pod.cpu().get().millicores());
            }
        }
        if (metrics.isEmpty()) {
            return Optional.empty();
        }
        int readyPods = metrics.size();
        int utilization = utilization(metrics, requests);
        int average = (int) (metrics.values().stream().mapToLong(Long::longValue).sum() / readyPods);
        double usageRatio = (double) utilization / targetUtilization;

        boolean scaleUpWithUnready = !unready.isEmpty() && usageRatio > 1.0;
        if (!scaleUpWithUnready && missing.isEmpty()) {
            if (withinTolerance(usageRatio)) {
                return Optional.of(new Proposal(currentReplicas, utilization, average));
            }
            return Optional.of(new Proposal((int) Math.ceil(usageRatio * readyPods), utilization, average));
        }
        if (usageRatio < 1.0) {
            missing.forEach(name -> metrics.put(name, requests.get(name)));
        } else if (usageRatio > 1.0) {
            missing.forEach(name -> metrics.put(name, 0L));
        }
        if (scaleUpWithUnready) {
            unready.forEach(name -> metrics.put(name, 0L));
        }
        double newUsageRatio = (double) utilization(metrics, requests) / targetUtilization;
        if (withinTolerance(newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0)
                || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
            return Optional.of(new Proposal(currentReplicas, utilization, average));
        }
        int replicas = (int) Math.ceil(newUsageRatio * metrics.size());
        if ((newUsageRatio < 1.0 && replicas > currentReplicas) || (newUsageRatio > 1.0 && replicas < currentReplicas)) {
            return Optional.of(new Proposal(currentReplicas, utilization, average));
        }
        return Optional.of(new Proposal(replicas, utilization, average));
    }

    private boolean withinTolerance(double ratio) {
        return Math.abs(1.0 - ratio) <= settings.tolerance();
    }

    /**
     * A CPU sample is set aside while the pod may still be initialising: within the CPU initialisation
     * period, when the pod is not ready or the sample's window began before it became ready; after it,
     * only when the pod is not ready and has never been (its Ready condition last changed within the
     * initial readiness delay of its start).
     */
    private boolean notYetReady(Instant now, PodStatus pod, PodStatus.CpuSample sample) {
        if (pod.started().plus(settings.cpuInitializationPeriod()).isAfter(now)) {
            return !pod.ready() || sample.timestamp().isBefore(pod.readyChanged().plus(sample.window()));
        }
        return !pod.ready() && pod.started().plus(settings.initialReadinessDelay()).isAfter(pod.readyChanged());
    }

    /** Percent of the summed requests, truncated, as Kubernetes' integer arithmetic does. */
    private static int utilization(Map<String, Long> metrics, Map<String, Long> requests) {
        long used = 0;
        long requested = 0;
        for (Map.Entry<String, Long> metric : metrics.entrySet()) {
            used += metric.getValue();
            requested += requests.get(metric.getKey());
        }
        return (int) (used * 100 / requested);
    }
}
