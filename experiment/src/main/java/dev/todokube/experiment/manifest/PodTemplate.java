package dev.todokube.experiment.manifest;

import dev.todokube.experiment.service.PodBudget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the rehearsal takes from a Deployment's pod template: the CPU request (what utilisation is
 * measured against), the CPU and memory limits (the pod's budget), the container's plain environment
 * values, the gRPC readiness probe, and how a deleted pod drains (the preStop sleep, then SIGTERM,
 * then SIGKILL at the grace period's end).
 */
public record PodTemplate(long cpuRequestMillis, PodBudget limits, Map<String, String> env,
                          Optional<ReadinessProbe> readiness, Duration preStopSleep, Duration terminationGrace) {

    /**
     * A readiness probe over gRPC health, as the kubelet runs it: every period, failing after the
     * timeout, ready after one success, not ready after {@code failureThreshold} failures in a row.
     *
     * @param service the health service asked ("" for the server's overall health)
     */
    public record ReadinessProbe(String service, Duration period, Duration timeout, int failureThreshold) {
    }

    public PodTemplate {
        env = Map.copyOf(env);
    }

    /** The same pod with other resources (the article's 100m/100Mi pods). */
    public PodTemplate withResources(long newCpuRequestMillis, PodBudget newLimits) {
        return new PodTemplate(newCpuRequestMillis, newLimits, env, readiness, preStopSleep, terminationGrace);
    }
}
