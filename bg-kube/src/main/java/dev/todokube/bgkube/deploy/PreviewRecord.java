package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.cluster.KubeCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What bg-kube records on a color's served Deployment as annotations: that it is a preview
 * deployed by {@code publish --no-promote} and not promoted (its tag, the kept migration status
 * output and whether the migrations were applied, for {@code promote} and {@code abort}), and the
 * verdict of the last analysis of that color. A new release of the color removes them (they are
 * written by patches, which a server-side apply of the template leaves alone).
 */
public record PreviewRecord(Optional<String> previewTag, Optional<String> migration, boolean migrationApplied,
        Optional<String> analysis, Optional<Instant> analysedAt) {

    static final String PREVIEW_TAG = ReleaseState.PREFIX + "preview-tag";
    static final String PREVIEW_MIGRATION = ReleaseState.PREFIX + "preview-migration";
    static final String PREVIEW_MIGRATED = ReleaseState.PREFIX + "preview-migration-applied";
    static final String ANALYSIS = ReleaseState.PREFIX + "analysis";
    static final String ANALYSED_AT = ReleaseState.PREFIX + "analysed-at";
    static final Set<String> PREVIEW_KEYS = Set.of(PREVIEW_TAG, PREVIEW_MIGRATION, PREVIEW_MIGRATED);

    /** No record. */
    public static final PreviewRecord NONE = new PreviewRecord(Optional.empty(), Optional.empty(), false, Optional.empty(),
            Optional.empty());

    /** The record on the color's served Deployment; all empty when it has none or does not exist. */
    public static PreviewRecord read(KubeCluster cluster, ServiceManifests manifests, Color color) {
        Map<String, String> annotations = cluster.deployment(manifests.servedDeployment(color))
                .map(Deployment::getMetadata).map(m -> Optional.ofNullable(m.getAnnotations()).orElse(Map.of()))
                .orElse(Map.of());
        Optional<Instant> at;
        try {
            at = Optional.ofNullable(annotations.get(ANALYSED_AT)).map(Instant::parse);
        } catch (DateTimeParseException e) {
            at = Optional.empty();
        }
        return new PreviewRecord(Optional.ofNullable(annotations.get(PREVIEW_TAG)),
                Optional.ofNullable(annotations.get(PREVIEW_MIGRATION)), "true".equals(annotations.get(PREVIEW_MIGRATED)),
                Optional.ofNullable(annotations.get(ANALYSIS)), at);
    }

    public boolean isPreview() {
        return previewTag.isPresent();
    }

    public static void recordPreview(KubeCluster cluster, ServiceManifests manifests, Color color, String tag,
            Optional<String> migration, boolean migrationApplied) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put(PREVIEW_TAG, tag);
        migration.ifPresent(m -> set.put(PREVIEW_MIGRATION, m));
        set.put(PREVIEW_MIGRATED, String.valueOf(migrationApplied));
        cluster.annotateDeployment(manifests.servedDeployment(color), set,
                migration.isPresent() ? Set.of() : Set.of(PREVIEW_MIGRATION));
    }

    public static void clearPreview(KubeCluster cluster, ServiceManifests manifests, Color color) {
        cluster.annotateDeployment(manifests.servedDeployment(color), Map.of(), PREVIEW_KEYS);
    }

    /** Removes the preview mark and the last verdict: they described the version a new release replaces. */
    public static void forget(KubeCluster cluster, ServiceManifests manifests, Color color) {
        Set<String> all = new HashSet<>(PREVIEW_KEYS);
        all.add(ANALYSIS);
        all.add(ANALYSED_AT);
        cluster.annotateDeployment(manifests.servedDeployment(color), Map.of(), all);
    }

    public static void recordAnalysis(KubeCluster cluster, ServiceManifests manifests, Color color, String verdict, Instant at) {
        cluster.annotateDeployment(manifests.servedDeployment(color), Map.of(ANALYSIS, verdict, ANALYSED_AT, at.toString()),
                Set.of());
    }
}
