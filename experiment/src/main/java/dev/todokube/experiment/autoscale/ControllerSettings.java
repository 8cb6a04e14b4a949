package dev.todokube.experiment.autoscale;

import java.time.Duration;

/**
 * The kube-controller-manager flags the HPA follows: {@code --horizontal-pod-autoscaler-tolerance},
 * {@code -sync-period}, {@code -cpu-initialization-period} and {@code -initial-readiness-delay}.
 */
public record ControllerSettings(double tolerance, Duration syncPeriod, Duration cpuInitializationPeriod,
                                 Duration initialReadinessDelay) {

    /** Kubernetes' defaults: 0.1, 15 s, 5 min, 30 s. */
    public static ControllerSettings kubernetesDefaults() {
        return new ControllerSettings(0.1, Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }
}
