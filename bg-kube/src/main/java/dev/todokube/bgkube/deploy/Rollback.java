package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Points the public Service back at the other color, but only when that color has ready pods:
 * the original would happily send all traffic to nothing.
 */
public final class Rollback {

    /** What a rollback will do, after its checks passed. */
    public record Plan(Color from, Color to, String deployment, int readyPods, RenderedManifest service) {

        public String describe() {
            return "rollback: point service " + service.objects().get(0).getMetadata().getName() + " from " + from.label()
                    + " to " + to.label() + " (deployment " + deployment + ", " + readyPods + " ready pod"
                    + (readyPods == 1 ? "" : "s") + ")\n";
        }
    }

    private final ServiceManifests manifests;
    private final Duration serviceTimeout;
    private final Consumer<String> log;

    public Rollback(ServiceManifests manifests, Duration serviceTimeout, Consumer<String> log) {
        this.manifests = manifests;
        this.serviceTimeout = serviceTimeout;
        this.log = log;
    }

    /** Checks the cluster (read only) and says what a rollback would do; refuses with the reason. */
    public Plan plan(KubeCluster cluster) {
        Color live = Publisher.liveColor(cluster, manifests).orElseThrow(() -> new ClusterException(
                "nothing to roll back: service " + manifests.serviceName() + " does not exist in namespace "
                        + cluster.namespace()));
        Color target = live.other();
        String name = manifests.servedDeployment(target);
        Deployment deployment = cluster.deployment(name).orElseThrow(() -> new ClusterException(
                "refusing to roll back to " + target.label() + ": deployment " + name + " does not exist"));
        int ready = cluster.readyPods(deployment).size();
        if (ready == 0) {
            int desired = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
            throw new ClusterException("refusing to roll back to " + target.label() + ": deployment " + name
                    + " has no ready pods (0/" + desired + " desired); the public Service would send traffic to nothing"
                    + (desired == 0 ? " (it was scaled down: publish again instead)" : ""));
        }
        return new Plan(live, target, name, ready, manifests.service(target, "0"));
    }

    public void execute(Plan plan, KubeCluster cluster) {
        for (HasMetadata object : plan.service().objects()) {
            cluster.apply(object);
        }
        manifests.selectorsFor(plan.to()).forEach((service, selector) -> cluster.awaitSelector(service, selector, serviceTimeout));
        log.accept("rolled back: service " + manifests.serviceName() + " now selects " + plan.to().label());
    }
}
