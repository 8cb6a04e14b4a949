package dev.todokube.bgkube.cluster;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hands bg-kube's server-side apply the fields that earlier ways of applying the same manifests own.
 * Server-side apply removes only fields its own manager applied before; a field written by a plain
 * update stays forever, even when the template no longer sets it (an old {@code preStop.sleep} beside
 * the new {@code preStop.exec}: two handlers, and every apply fails). kubectl solves the same problem
 * for {@code kubectl apply --server-side} after client-side applies by moving the client-side
 * managers' field sets into its apply entry; this does the same for the managers that applied these
 * manifests before: bg-kube before it used server-side apply (create-or-replace by fabric8's client,
 * whose requests carry no field manager, so the API server names them after its user agent) and
 * client-side {@code kubectl apply}. Fields of any other manager (a controller, the HPA through the
 * scale subresource, {@code kubectl edit}) are left with them.
 */
final class FieldOwnership {

    /** Update-operation managers whose fields bg-kube takes over: what applied these manifests before it. */
    static final Set<String> EARLIER_APPLIERS = Set.of("fabric8-kubernetes-client", "kubectl-client-side-apply",
            "before-first-apply");

    private static final String APPLY = "Apply";
    private static final String UPDATE = "Update";

    private FieldOwnership() {}

    /**
     * The object's managedFields with every earlier applier's field set merged into {@code manager}'s
     * Apply entry and their entries removed; empty when no earlier applier owns a field.
     */
    static Optional<List<ManagedFieldsEntry>> takeOver(List<ManagedFieldsEntry> entries, String manager, String apiVersion,
            Instant now) {
        List<ManagedFieldsEntry> earlier = entries.stream().filter(FieldOwnership::isEarlierApplier).toList();
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        List<ManagedFieldsEntry> kept = new ArrayList<>();
        for (ManagedFieldsEntry entry : entries) {
            boolean ours = manager.equals(entry.getManager()) && APPLY.equals(entry.getOperation())
                    && entry.getSubresource() == null;
            if (ours || isEarlierApplier(entry)) {
                merge(fields, fieldsOf(entry));
            } else {
                kept.add(entry);
            }
        }
        kept.add(new ManagedFieldsEntryBuilder().withManager(manager).withOperation(APPLY).withApiVersion(apiVersion)
                .withTime(now.truncatedTo(ChronoUnit.SECONDS).toString()).withFieldsType("FieldsV1").withFieldsV1(fieldsV1(fields)).build());
        return Optional.of(kept);
    }

    /** The managers whose fields {@link #takeOver} would take, for the log line. */
    static List<String> earlierAppliers(List<ManagedFieldsEntry> entries) {
        return entries.stream().filter(FieldOwnership::isEarlierApplier).map(ManagedFieldsEntry::getManager).distinct()
                .toList();
    }

    private static boolean isEarlierApplier(ManagedFieldsEntry entry) {
        return UPDATE.equals(entry.getOperation()) && (entry.getSubresource() == null || entry.getSubresource().isEmpty())
                && EARLIER_APPLIERS.contains(entry.getManager());
    }

    private static Map<String, Object> fieldsOf(ManagedFieldsEntry entry) {
        return entry.getFieldsV1() == null || entry.getFieldsV1().getAdditionalProperties() == null
                ? Map.of() : entry.getFieldsV1().getAdditionalProperties();
    }

    private static FieldsV1 fieldsV1(Map<String, Object> fields) {
        FieldsV1 result = new FieldsV1();
        fields.forEach(result::setAdditionalProperty);
        return result;
    }

    /** A field set is a tree of maps whose leaves are empty maps: the union merges the trees. */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            Object existing = into.get(key);
            if (existing instanceof Map<?, ?> existingMap && value instanceof Map<?, ?> valueMap) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) existingMap);
                merge(copy, (Map<String, Object>) valueMap);
                into.put(key, copy);
            } else if (existing == null) {
                into.put(key, value instanceof Map<?, ?> valueMap
                        ? new LinkedHashMap<>((Map<String, Object>) valueMap) : value);
            }
        });
    }
}
