package dev.todokube.experiment.autoscale;

/**
 * What a HorizontalPodAutoscaler on CPU says: the replica range, the target average utilisation
 * (percent of the pods' CPU request) and the behaviour in each direction.
 */
public record AutoscalerSpec(int minReplicas, int maxReplicas, int targetUtilization, ScalingRules scaleUp,
                             ScalingRules scaleDown) {

    public AutoscalerSpec {
        if (minReplicas < 1) {
            throw new IllegalArgumentException("minReplicas must be at least 1, got " + minReplicas);
        }
        if (maxReplicas < minReplicas) {
            throw new IllegalArgumentException("maxReplicas " + maxReplicas + " is below minReplicas " + minReplicas);
        }
        if (targetUtilization < 1) {
            throw new IllegalArgumentException("the target utilization must be at least 1%, got " + targetUtilization);
        }
    }

    /** As {@code kubectl autoscale --min --max --cpu-percent} makes it: Kubernetes' default behaviour. */
    public static AutoscalerSpec withDefaultBehavior(int minReplicas, int maxReplicas, int targetUtilization) {
        return new AutoscalerSpec(minReplicas, maxReplicas, targetUtilization, ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown());
    }

    @Override
    public String toString() {
        return minReplicas + " to " + maxReplicas + " replicas at " + targetUtilization + "% CPU (up: window "
                + scaleUp.stabilizationWindow().toSeconds() + " s, " + scaleUp.policies() + "; down: window "
                + scaleDown.stabilizationWindow().toSeconds() + " s, " + scaleDown.policies() + ")";
    }
}
