package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.deploy.ScaleDowns;
import dev.todokube.bgkube.deploy.ServiceManifests;
import dev.todokube.bgkube.image.ImageRef;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the new color's objects (extra configs, Deployments, HPA) and waits until each Deployment
 * is available with a ready pod running the new tag. Undone by taking the color out: its HPA deleted
 * (it would scale it straight back up) and its Deployments scaled to zero.
 *
 * @param alsoApplied the other objects applied with the color, e.g. "horizontalpodautoscaler todo-api-blue"
 */
public record DeployColor(Color color, List<String> deployments, ImageRef image, List<String> alsoApplied, Duration timeout)
        implements Step {

    public DeployColor {
        deployments = List.copyOf(deployments);
        alsoApplied = List.copyOf(alsoApplied);
    }

    @Override
    public String describe() {
        return "deploy " + color.label() + ": apply deployment " + String.join(", ", deployments)
                + (alsoApplied.isEmpty() ? "" : " with " + String.join(", ", alsoApplied))
                + ", wait up to " + timeout.toSeconds() + "s until it is available with a ready pod running tag " + image.tag();
    }

    @Override
    public String name() {
        return "deploy";
    }

    @Override
    public void run(Release release) {
        KubeCluster cluster = release.cluster();
        ServiceManifests manifests = release.manifests();
        String tag = image.tag();
        // The color's previous version, kept for a rollback during a scale-down delay, is replaced now:
        // its scale-down must not take the new version out when it falls due.
        ScaleDowns.cancel(cluster, manifests, color, release::log);
        release.update(record -> record.withDeployed(true));
        boolean changed = false;
        try {
            for (RenderedManifest manifest : objects(release)) {
                for (HasMetadata object : manifest.objects()) {
                    cluster.apply(object);
                    changed = true;
                }
            }
        } catch (KubernetesClientException e) {
            if (!changed && e.getCode() >= 400 && e.getCode() < 500) {
                // Rejected before anything was applied: the color is as it was (still a rollback target).
                release.update(record -> record.withDeployed(false));
            }
            throw e;
        }
        manifests.deploymentNames(color).forEach(cluster::forgetPins);
        // The preview mark and last verdict belonged to the version this one replaces.
        PreviewRecord.forget(cluster, manifests, color);
        for (Deployment deployment : manifests.deployment(color, tag).all(Deployment.class)) {
            // A Deployment that does not run the built image (e.g. a stock Locust master) has no tag to wait for.
            cluster.awaitDeployment(deployment.getMetadata().getName(),
                    runsImage(deployment, image) ? Optional.of(tag) : Optional.empty(), timeout);
        }
    }

    private List<RenderedManifest> objects(Release release) {
        ServiceManifests manifests = release.manifests();
        String tag = image.tag();
        List<RenderedManifest> all = new ArrayList<>(manifests.extras(color, tag));
        all.add(manifests.deployment(color, tag));
        manifests.hpa(color, tag).ifPresent(all::add);
        return all;
    }

    /** Whether the Deployment runs the release's image (a ready pod with its tag is awaited then). */
    static boolean runsImage(Deployment deployment, ImageRef image) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> image.toString().equals(c.getImage()));
    }

    @Override
    public Optional<String> undo(Release release) {
        if (!release.record().deployed()) {
            return Optional.empty();
        }
        ScaleDowns.scaleToZero(release.cluster(), release.manifests(), color);
        PreviewRecord.clearPreview(release.cluster(), release.manifests(), color);
        release.update(record -> record.withDeployed(false));
        return Optional.of("aborted: " + color.label() + " scaled to 0 and its HPA deleted");
    }
}
