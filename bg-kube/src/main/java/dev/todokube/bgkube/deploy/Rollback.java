package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Points the public Service back at the other color, but only when that color can carry the
 * traffic: it must have ready pods (the original would happily send all traffic to nothing),
 * and, unless forced, at least as many as the live color serves with now.
 */
public final class Rollback {

    /** What a rollback will do, after its checks passed. */
    public record Plan(Color from, Color to, String deployment, int readyPods, int liveReadyPods, RenderedManifest service) {

        public String describe() {
            return "rollback: point service " + service.objects().get(0).getMetadata().getName() + " from " + from.label()
                    + " to " + to.label() + " (deployment " + deployment + ", " + readyPods + " ready pod"
                    + (readyPods == 1 ? "" : "s") + "; " + from.label() + " serves with " + liveReadyPods + ")\n";
        }
    }

    private final ServiceManifests manifests;
    private final Duration serviceTimeout;
    private final Clock clock;
    private final Consumer<String> log;

    public Rollback(ServiceManifests manifests, Duration serviceTimeout, Clock clock, Consumer<String> log) {
        this.manifests = manifests;
        this.serviceTimeout = serviceTimeout;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Checks the cluster (read only) and says what a rollback would do; refuses with the reason.
     *
     * @param force roll back even when the other color has fewer ready pods than the live one
     *     (never to a color with none)
     */
    public Plan plan(KubeCluster cluster, boolean force) {
        Color live = Publisher.liveColor(cluster, manifests).orElseThrow(() -> new ClusterException(
                "nothing to roll back: service " + manifests.serviceName() + " does not exist in namespace "
                        + cluster.namespace()));
        return planTo(cluster, live, live.other(), force);
    }

    /** As {@link #plan}, from {@code live} to {@code target} (a failed release swapping back). */
    public Plan planTo(KubeCluster cluster, Color live, Color target, boolean force) {
        String name = manifests.servedDeployment(target);
        Deployment deployment = cluster.deployment(name).orElseThrow(() -> new ClusterException(
                "refusing to roll back to " + target.label() + ": deployment " + name + " does not exist"));
        int ready = cluster.readyPods(deployment).size();
        int desired = KubeCluster.replicas(deployment);
        // Pods of a Deployment scaled to zero may still be ready while they terminate.
        if (ready == 0 || desired == 0) {
            throw new ClusterException("refusing to roll back to " + target.label() + ": deployment " + name
                    + " has no ready pods (" + (desired == 0 ? 0 : ready) + "/" + desired + " desired); the public Service would send traffic to nothing"
                    + (desired == 0 ? " (it was scaled down: publish again instead)" : ""));
        }
        String liveName = manifests.servedDeployment(live);
        int liveReady = cluster.deployment(liveName).map(d -> cluster.readyPods(d).size()).orElse(0);
        if (ready < liveReady && !force) {
            throw new ClusterException("refusing to roll back to " + target.label() + ": deployment " + name + " has "
                    + ready + " ready pod" + (ready == 1 ? "" : "s") + " but " + liveName + " serves with " + liveReady
                    + "; scale " + name + " up first, or give --force to roll back anyway");
        }
        return new Plan(live, target, name, ready, liveReady, manifests.service(target, "0"));
    }

    /**
     * Swaps the Service back and records the state; the color left idle keeps its size (HPA
     * minimum pinned), the color made live gets its HPA minimum back, and a scale-down still
     * recorded is dropped.
     *
     * @param changedBy what the release state records as the change, e.g. "rollback"
     */
    public void execute(Plan plan, KubeCluster cluster, String changedBy) {
        String tag = cluster.deployment(plan.deployment()).map(Rollback::tagOf).orElse("-");
        String migration = ReleaseState.read(cluster, manifests).map(ReleaseState::migration).orElse("none");
        new ReleaseState(plan.to(), tag, migration, clock.instant(), changedBy, Optional.empty())
                .applyWith(cluster, plan.service());
        cluster.annotateService(manifests.serviceName(), Map.of(), ReleaseState.SCALE_DOWN_KEYS);
        manifests.selectorsFor(plan.to()).forEach((service, selector) -> cluster.awaitSelector(service, selector, serviceTimeout));
        manifests.deploymentNames(plan.to()).forEach(cluster::unpinAutoscalers);
        manifests.deploymentNames(plan.from()).forEach(cluster::pinAutoscalers);
        log.accept("rolled back: service " + manifests.serviceName() + " now selects " + plan.to().label());
    }

    private static String tagOf(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        String image = containers.isEmpty() || containers.get(0).getImage() == null ? "" : containers.get(0).getImage();
        int colon = image.lastIndexOf(':');
        return colon < 0 || image.indexOf('/', colon) >= 0 ? "-" : image.substring(colon + 1);
    }
}
