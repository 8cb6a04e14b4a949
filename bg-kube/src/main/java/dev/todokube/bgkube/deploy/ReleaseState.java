package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What bg-kube records about a service in the cluster, as annotations of its public Service:
 * written together with the selector at each swap and rollback, so it is never out of step
 * with the live color, and read by {@code status} and by every later publish and rollback.
 *
 * @param color the live color when it was written
 * @param tag the live color's image tag
 * @param migration the migrations' state: the kept status output, "seeded" or "none"
 * @param changedAt when the swap or rollback happened
 * @param changedBy "publish" or "rollback"
 * @param scaleDown a scale-down of the previous color that is still due (the intent outlives
 *     the bg-kube process that recorded it)
 */
public record ReleaseState(Color color, String tag, String migration, Instant changedAt, String changedBy,
        Optional<ScaleDown> scaleDown) {

    public static final String PREFIX = "bg-kube.todokube.dev/";
    static final String COLOR = PREFIX + "color";
    static final String TAG = PREFIX + "tag";
    static final String MIGRATION = PREFIX + "migration";
    static final String CHANGED_AT = PREFIX + "changed-at";
    static final String CHANGED_BY = PREFIX + "changed-by";
    static final String SCALE_DOWN_COLOR = PREFIX + "scale-down-color";
    static final String SCALE_DOWN_AT = PREFIX + "scale-down-at";
    static final String SCALE_DOWN_RELEASE = PREFIX + "scale-down-release";

    /** The keys a scale-down intent occupies, removed once it is done or cancelled. */
    public static final Set<String> SCALE_DOWN_KEYS = Set.of(SCALE_DOWN_COLOR, SCALE_DOWN_AT, SCALE_DOWN_RELEASE);

    /**
     * A color to scale to zero once {@code due} has passed, recorded by the release {@code release}
     * (whose process does it after the delay; empty when an older bg-kube recorded it).
     */
    public record ScaleDown(Color color, Instant due, String release) {

        Map<String, String> annotations() {
            return Map.of(SCALE_DOWN_COLOR, color.label(), SCALE_DOWN_AT, due.toString(), SCALE_DOWN_RELEASE, release);
        }
    }

    /** The state recorded on the public Service; empty before the first swap or when not written by bg-kube. */
    public static Optional<ReleaseState> read(KubeCluster cluster, ServiceManifests manifests) {
        return cluster.service(manifests.serviceName())
                .map(Service::getMetadata)
                .flatMap(metadata -> fromAnnotations(Optional.ofNullable(metadata.getAnnotations()).orElse(Map.of())));
    }

    static Optional<ReleaseState> fromAnnotations(Map<String, String> annotations) {
        Optional<Color> color = color(annotations.get(COLOR));
        Optional<Instant> changedAt = instant(annotations.get(CHANGED_AT));
        if (color.isEmpty() || changedAt.isEmpty()) {
            return Optional.empty();
        }
        Optional<ScaleDown> scaleDown = color(annotations.get(SCALE_DOWN_COLOR)).flatMap(
                c -> instant(annotations.get(SCALE_DOWN_AT)).map(due -> new ScaleDown(c, due,
                        annotations.getOrDefault(SCALE_DOWN_RELEASE, ""))));
        return Optional.of(new ReleaseState(color.get(), annotations.getOrDefault(TAG, "-"),
                annotations.getOrDefault(MIGRATION, "none"), changedAt.get(), annotations.getOrDefault(CHANGED_BY, "-"),
                scaleDown));
    }

    /** The annotations that record this state (without scale-down keys when none is due). */
    public Map<String, String> annotations() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(COLOR, color.label());
        annotations.put(TAG, tag);
        annotations.put(MIGRATION, migration);
        annotations.put(CHANGED_AT, changedAt.toString());
        annotations.put(CHANGED_BY, changedBy);
        scaleDown.ifPresent(s -> annotations.putAll(s.annotations()));
        return annotations;
    }

    /**
     * Applies the service config with this state as annotations of the public (first) Service, in the
     * same write as its selector, so the two are never out of step.
     */
    public void applyWith(KubeCluster cluster, RenderedManifest service) {
        boolean first = true;
        for (HasMetadata object : service.objects()) {
            if (first && object instanceof Service svc) {
                Map<String, String> all = new TreeMap<>(Optional.ofNullable(svc.getMetadata().getAnnotations())
                        .orElse(Map.of()));
                all.putAll(annotations());
                cluster.apply(new ServiceBuilder(svc).editMetadata().withAnnotations(all).endMetadata().build());
                first = false;
            } else {
                cluster.apply(object);
            }
        }
    }

    private static Optional<Color> color(String label) {
        if (label == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Color.valueOf(label.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> instant(String text) {
        try {
            return Optional.ofNullable(text).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
