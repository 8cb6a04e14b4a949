package dev.todokube.bgkube.status;

import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.cluster.LeaseView;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.ReleaseRecord;
import dev.todokube.bgkube.deploy.ReleaseState;
import dev.todokube.bgkube.deploy.ServiceManifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the status command shows: the live color, the release state bg-kube recorded on the
 * public Service (empty when it has none), a release that is running or was interrupted (its record
 * on the lease, and who holds the lease), per color its Deployment and HPA, and what bg-kube
 * recorded on each color's served Deployment (a preview not promoted yet, the last analysis).
 *
 * @param readAt when the cluster was read (a recorded scale-down before it is overdue)
 * @param release the record of a release that has not ended
 * @param leaseHolder who holds the lease now, if anyone
 */
public record StatusReport(String service, String namespace, Optional<Color> active, Optional<ReleaseState> state,
        Instant readAt, List<ColorStatus> colors, Map<Color, PreviewRecord> records, Optional<ReleaseRecord> release,
        Optional<String> leaseHolder) {

    public StatusReport {
        colors = List.copyOf(colors);
        records = Map.copyOf(records);
    }

    /** One Deployment of a color (absent if not deployed) and its autoscaler's replica counts. */
    public record ColorStatus(
            Color color, String deployment, boolean exists, String tag, int ready, int desired, Optional<Duration> age,
            Optional<String> autoscaler) {}

    /** @param leaseName the lease every release of the service holds */
    public static StatusReport read(KubeCluster cluster, ServiceManifests manifests, String leaseName, Instant now) {
        Optional<Color> active = Publisher.liveColor(cluster, manifests);
        List<ColorStatus> colors = new ArrayList<>();
        for (Color color : Color.values()) {
            for (String name : manifests.deploymentNames(color)) {
                colors.add(cluster.deployment(name).map(d -> present(cluster, color, d, now))
                        .orElseGet(() -> new ColorStatus(color, name, false, "-", 0, 0, Optional.empty(), Optional.empty())));
            }
        }
        Map<Color, PreviewRecord> records = new EnumMap<>(Color.class);
        for (Color color : Color.values()) {
            records.put(color, PreviewRecord.read(cluster, manifests, color));
        }
        Optional<LeaseView> lease = cluster.lease(leaseName);
        return new StatusReport(manifests.serviceName(), cluster.namespace(), active, ReleaseState.read(cluster, manifests),
                now, colors, records, lease.flatMap(l -> ReleaseRecord.on(l.annotations())), lease.flatMap(LeaseView::holder));
    }

    private static ColorStatus present(KubeCluster cluster, Color color, Deployment d, Instant now) {
        String name = d.getMetadata().getName();
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas();
        return new ColorStatus(color, name, true, tagOf(d), ready, desired, age(d, now),
                cluster.autoscalersOf(name).stream().findFirst().map(StatusReport::autoscaler));
    }

    private static String tagOf(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        if (containers.isEmpty() || containers.get(0).getImage() == null) {
            return "-";
        }
        String image = containers.get(0).getImage();
        int at = image.indexOf('@');
        String withoutDigest = at < 0 ? image : image.substring(0, at);
        int colon = withoutDigest.lastIndexOf(':');
        return colon < 0 || withoutDigest.indexOf('/', colon) >= 0 ? "latest" : withoutDigest.substring(colon + 1);
    }

    private static Optional<Duration> age(Deployment d, Instant now) {
        try {
            return Optional.ofNullable(d.getMetadata().getCreationTimestamp())
                    .map(Instant::parse).map(created -> Duration.between(created, now));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String autoscaler(HorizontalPodAutoscaler hpa) {
        var status = hpa.getStatus();
        String current = status == null || status.getCurrentReplicas() == null ? "?" : status.getCurrentReplicas().toString();
        String desired = status == null || status.getDesiredReplicas() == null ? "?" : status.getDesiredReplicas().toString();
        return hpa.getMetadata().getName() + " " + current + "/" + desired
                + " (min " + Optional.ofNullable(hpa.getSpec().getMinReplicas()).orElse(1) + ", max "
                + hpa.getSpec().getMaxReplicas() + ")";
    }
}
