package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.cluster.KubeCluster;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Taking a color out of service: its HPAs deleted (they would scale it straight back up) and
 * its Deployments scaled to zero. Used by the delayed scale-down, by an aborted publish, and by
 * every publish and rollback for a scale-down whose recorded deadline has passed.
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

    /**
     * Carries out a recorded scale-down whose deadline has passed (the bg-kube that recorded it
     * died or was stopped during the delay), and drops one that no longer applies because its
     * color is live again. Run under the lease, before anything else.
     */
    public static void finishOverdue(KubeCluster cluster, ServiceManifests manifests, Optional<Color> live, Instant now,
            Consumer<String> log) {
        Optional<ReleaseState.ScaleDown> pending = ReleaseState.read(cluster, manifests).flatMap(ReleaseState::scaleDown);
        if (pending.isEmpty()) {
            return;
        }
        ReleaseState.ScaleDown scaleDown = pending.get();
        if (live.equals(Optional.of(scaleDown.color()))) {
            log.accept("dropping the recorded scale-down of " + scaleDown.color().label() + ": it is live");
        } else if (!scaleDown.due().isAfter(now)) {
            log.accept("scale-down of " + scaleDown.color().label() + " was due at " + scaleDown.due()
                    + " and did not happen (its bg-kube stopped): doing it now");
            scaleToZero(cluster, manifests, scaleDown.color());
        } else {
            return;
        }
        cluster.annotateService(manifests.serviceName(), Map.of(), ReleaseState.SCALE_DOWN_KEYS);
    }
}
