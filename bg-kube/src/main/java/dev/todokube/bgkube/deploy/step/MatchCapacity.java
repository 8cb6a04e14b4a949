package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.Release;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Before the swap: each Deployment of the new color scaled up to at least the replicas its live
 * counterpart (same position in the deployment config) runs now, whatever its HPA did, and awaited
 * until available. The swap checks it again right before it changes the Service (pods come and go).
 */
public record MatchCapacity(Color color, Color live, List<String> deployments, Duration timeout) implements Step {

    public MatchCapacity {
        deployments = List.copyOf(deployments);
    }

    @Override
    public String describe() {
        return "capacity: scale deployment " + String.join(", ", deployments) + " up to at least the replicas "
                + live.label() + " runs now, wait up to " + timeout.toSeconds() + "s until available";
    }

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public void run(Release release) {
        match(release, color, live, timeout);
    }

    /** Scales each Deployment of {@code color} up to its {@code live} counterpart's replicas and awaits it. */
    static void match(Release release, Color color, Color live, Duration timeout) {
        KubeCluster cluster = release.cluster();
        List<String> targets = release.manifests().deploymentNames(color);
        List<String> lives = release.manifests().deploymentNames(live);
        for (int i = 0; i < targets.size() && i < lives.size(); i++) {
            String name = targets.get(i);
            int liveReplicas = cluster.deployment(lives.get(i)).map(KubeCluster::replicas).orElse(0);
            Deployment deployment = cluster.deployment(name)
                    .orElseThrow(() -> new ClusterException("deployment " + name + " disappeared"));
            int replicas = KubeCluster.replicas(deployment);
            if (replicas >= liveReplicas) {
                release.log("capacity: " + name + " runs " + replicas + " replicas, " + lives.get(i) + " " + liveReplicas);
            } else {
                release.log("capacity: scaling " + name + " from " + replicas + " to " + liveReplicas
                        + " replicas, as many as " + lives.get(i) + " runs now");
                cluster.scale(name, liveReplicas);
            }
            var image = release.plan().image();
            cluster.awaitDeployment(name, DeployColor.runsImage(deployment, image) ? Optional.of(image.tag())
                    : Optional.empty(), timeout);
        }
    }
}
