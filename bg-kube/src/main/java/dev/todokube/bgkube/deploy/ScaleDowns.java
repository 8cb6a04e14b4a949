package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.cluster.KubeCluster;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Taking a color out of service (its HPAs deleted, since they would scale it straight back up, and
 * its Deployments scaled to zero), and the record of a delayed scale-down on the public Service: set
 * when a release is verified, cancelled when its color is redeployed or made live again.
 */
public final class ScaleDowns {

    private ScaleDowns() {}

    /** Deletes the color's HPAs and scales each of its Deployments to zero. */
    public static void scaleToZero(KubeCluster cluster, ServiceManifests manifests, Color color) {
        for (String deployment : manifests.deploymentNames(color)) {
            for (HorizontalPodAutoscaler hpa : cluster.autoscalersOf(deployment)) {
                cluster.delete(hpa);
            }
            if (cluster.deployment(deployment).isPresent()) {
                cluster.scale(deployment, 0);
            }
        }
    }

    /** Records that the release {@code release} scales {@code color} down at {@code due}. */
    public static void record(KubeCluster cluster, ServiceManifests manifests, Color color, Instant due, String release) {
        cluster.annotateService(manifests.serviceName(), new ReleaseState.ScaleDown(color, due, release).annotations(),
                Set.of());
    }

    /**
     * Drops a recorded scale-down of {@code color}: the color is being redeployed (its kept version is
     * replaced) or made live again. Nothing when none is recorded for it.
     */
    public static void cancel(KubeCluster cluster, ServiceManifests manifests, Color color, Consumer<String> log) {
        Optional<ReleaseState.ScaleDown> pending = ReleaseState.read(cluster, manifests).flatMap(ReleaseState::scaleDown)
                .filter(scaleDown -> scaleDown.color() == color);
        if (pending.isPresent()) {
            log.accept("dropping the recorded scale-down of " + color.label() + " (due at " + pending.get().due()
                    + "): " + color.label() + " is redeployed");
            cluster.annotateService(manifests.serviceName(), Map.of(), ReleaseState.SCALE_DOWN_KEYS);
        }
    }
}
