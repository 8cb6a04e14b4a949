package dev.todokube.bgkube.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Keeps {@code metadata.managedFields} as the API server does (its field manager, re-created here):
 * an update gives the writer the fields it set or changed and takes them from everyone else; an
 * apply merges the configuration, prunes what the same applier applied before and no longer
 * applies (unless another manager owns it), and takes conflicting fields from other managers when
 * forced, else refuses with a 409 naming them.
 */
final class FieldManager {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    private static final String MANAGED_FIELDS = "managedFields";
    /** Fields no manager ever owns (the API server's stripped set). */
    private static final FieldSet STRIPPED = FieldSet.of(List.of(
            List.of(new PathElement.Field("apiVersion")),
            List.of(new PathElement.Field("kind")),
            List.of(new PathElement.Field("metadata")),
            metadata("name"), metadata("namespace"), metadata("creationTimestamp"), metadata("selfLink"),
            metadata("uid"), metadata("clusterName"), metadata("generation"), metadata(MANAGED_FIELDS),
            metadata("resourceVersion")));

    /** One managedFields entry; the manager, the operation and the subresource identify it. */
    record Entry(String manager, String operation, String apiVersion, String subresource, String time, FieldSet fields) {

        boolean sameWriter(Entry other) {
            return manager.equals(other.manager) && operation.equals(other.operation)
                    && subresource.equals(other.subresource);
        }

        Entry withFields(FieldSet newFields) {
            return new Entry(manager, operation, apiVersion, subresource, time, newFields);
        }

        /** As a conflict message names a manager. */
        String describe() {
            String text = "\"" + manager + "\"" + (subresource.isEmpty() ? "" : " with subresource \"" + subresource + "\"");
            return UPDATE.equals(operation) ? text + " using " + apiVersion : text;
        }
    }

    private final Clock clock;

    FieldManager(Clock clock) {
        this.clock = clock;
    }

    /**
     * The object an update (create, replace, a JSON or merge patch, a status or scale write) stores,
     * with its managedFields: those the request set explicitly (one empty entry clears them), else
     * the live ones; then the writer gets what it changed, so a write that only sets managedFields
     * records no entry of its own. A write to a subresource cannot set managedFields.
     *
     * @param live the stored object, empty for a create
     */
    Map<String, Object> update(Map<String, Object> live, Map<String, Object> next, String manager, String subresource) {
        List<Entry> base = subresource.isEmpty() ? liveOrRequested(live, next) : decodeOrEmpty(live);
        Map<String, Object> before = withoutManagedFields(live);
        Map<String, Object> after = withoutManagedFields(next);
        StructuredMerge.Comparison comparison = new StructuredMerge(FieldSchema.of(after)).compare(before, after);
        Entry writer = new Entry(manager, UPDATE, String.valueOf(after.get("apiVersion")), subresource, now(), FieldSet.empty());
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : base) {
            entries.add(entry.withFields(entry.fields().difference(comparison.changed()).difference(comparison.removed())));
        }
        FieldSet taken = comparison.changed().difference(STRIPPED);
        if (!taken.isEmpty()) {
            Entry previous = entries.stream().filter(writer::sameWriter).findFirst().orElse(writer);
            entries.remove(previous);
            entries.add(writer.withFields(previous.fields().union(taken)));
        }
        return withManagedFields(after, entries);
    }

    /**
     * The object a server-side apply stores: the configuration merged into the live object, what
     * this manager applied last time and no longer applies removed unless another manager owns it.
     *
     * @param live the stored object, empty when the apply creates it
     * @throws StatusError 400 when the configuration sets managedFields, 409 on conflicts without force
     */
    Map<String, Object> apply(Map<String, Object> live, Map<String, Object> config, String manager, boolean force) {
        if (JsonTree.object(config, "metadata").map(m -> m.get(MANAGED_FIELDS) != null).orElse(false)) {
            throw new StatusError(400, "metadata.managedFields must be nil");
        }
        Map<String, Object> before = withoutManagedFields(live);
        StructuredMerge structured = new StructuredMerge(FieldSchema.of(config));
        Map<String, Object> merged = structured.merge(before, config);
        List<Entry> entries = new ArrayList<>(decodeOrEmpty(live));
        Entry applier = new Entry(manager, APPLY, String.valueOf(config.get("apiVersion")), "", now(),
                structured.appliedFields(config).difference(STRIPPED));
        Entry last = entries.stream().filter(applier::sameWriter).findFirst().orElse(null);
        entries.remove(last);
        if (last != null) {
            FieldSet owned = applier.fields();
            for (Entry entry : entries) {
                owned = owned.union(entry.fields());
            }
            merged = structured.prune(merged, last.fields().difference(owned), owned);
        }
        StructuredMerge.Comparison comparison = structured.compare(before, merged);
        List<Entry> others = new ArrayList<>();
        Map<Entry, FieldSet> conflicts = new LinkedHashMap<>();
        for (Entry entry : entries) {
            FieldSet conflict = entry.fields().intersection(comparison.changed());
            if (!conflict.isEmpty()) {
                conflicts.put(entry, conflict);
            }
            others.add(entry.withFields(entry.fields().difference(conflict).difference(comparison.removed())));
        }
        if (!force && !conflicts.isEmpty()) {
            throw conflictError(conflicts);
        }
        // As the API server: the time of an apply that changed nothing stays the previous one's.
        String time = JsonTree.equal(before, merged) && last != null ? last.time() : applier.time();
        others.add(new Entry(manager, APPLY, applier.apiVersion(), "", time, applier.fields()));
        return withManagedFields(merged, others);
    }

    private static StatusError conflictError(Map<Entry, FieldSet> conflicts) {
        record Conflict(Entry manager, String path) {}
        List<Conflict> all = new ArrayList<>();
        conflicts.forEach((entry, set) -> set.forEachPath(path -> all.add(new Conflict(entry, FieldSet.display(path)))));
        all.sort(Comparator.comparing((Conflict c) -> c.manager().describe()).thenComparing(Conflict::path));
        String message;
        if (all.size() == 1) {
            message = "Apply failed with 1 conflict: conflict with " + all.get(0).manager().describe() + ": " + all.get(0).path();
        } else {
            Map<String, List<String>> byManager = all.stream().collect(Collectors.groupingBy(
                    c -> c.manager().describe(), LinkedHashMap::new, Collectors.mapping(Conflict::path, Collectors.toList())));
            StringBuilder text = new StringBuilder("Apply failed with " + all.size() + " conflicts: ");
            List<String> lines = new ArrayList<>();
            byManager.forEach((manager, paths) -> {
                lines.add("conflicts with " + manager + ":");
                paths.forEach(path -> lines.add("- " + path));
            });
            message = text.append(String.join("\n", lines)).toString();
        }
        List<Object> causes = all.stream().map(c -> (Object) Map.of("type", "FieldManagerConflict",
                "message", "conflict with " + c.manager().describe(), "field", c.path())).toList();
        return new StatusError(409, message, Map.of("causes", causes));
    }

    /**
     * The managedFields a write asked for, as the API server takes them (Kubernetes documentation,
     * Server-Side Apply, "Clearing managedFields"; the apiserver's fieldmanager, decodeLiveOrNew):
     * a list of one empty entry clears them; entries that decode replace the live ones; anything
     * else, an empty list included (so clients unaware of the field never strip it), keeps the live ones.
     */
    private static List<Entry> liveOrRequested(Map<String, Object> live, Map<String, Object> next) {
        Object requested = JsonTree.object(next, "metadata").map(m -> m.get(MANAGED_FIELDS)).orElse(null);
        if (requested instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Map<?, ?> only && only.isEmpty()) {
            return List.of();
        }
        try {
            List<Entry> given = decode(requested);
            if (!given.isEmpty()) {
                return given;
            }
        } catch (IllegalArgumentException e) {
            // As the API server: managedFields that do not decode are ignored, the live ones kept.
        }
        return decodeOrEmpty(live);
    }

    private static List<Entry> decodeOrEmpty(Map<String, Object> object) {
        try {
            return decode(JsonTree.object(object, "metadata").map(m -> m.get(MANAGED_FIELDS)).orElse(null));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** The entries of a managedFields list; an invalid entry is an error naming what is wrong. */
    static List<Entry> decode(Object managedFields) {
        if (managedFields == null) {
            return List.of();
        }
        if (!(managedFields instanceof List<?> list)) {
            throw new IllegalArgumentException("managedFields is not a list");
        }
        List<Entry> entries = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("a managedFields entry is not an object");
            }
            Map<String, Object> entry = JsonTree.asMap(item);
            String operation = String.valueOf(entry.get("operation"));
            if (!APPLY.equals(operation) && !UPDATE.equals(operation)) {
                throw new IllegalArgumentException("operation must be `Apply` or `Update`");
            }
            if (!(entry.get("apiVersion") instanceof String version) || version.isEmpty()) {
                throw new IllegalArgumentException("apiVersion must not be empty");
            }
            if (!"FieldsV1".equals(entry.get("fieldsType"))) {
                throw new IllegalArgumentException("invalid fieldsType " + entry.get("fieldsType"));
            }
            Object fields = entry.getOrDefault("fieldsV1", Map.of());
            if (!(fields instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("fieldsV1 is not an object");
            }
            entries.add(new Entry(String.valueOf(entry.getOrDefault("manager", "")), operation, version,
                    String.valueOf(entry.getOrDefault("subresource", "")), (String) entry.get("time"),
                    FieldSet.fromFieldsV1(JsonTree.asMap(fields))));
        }
        return entries;
    }

    /** The object with these entries as its managedFields, in the API server's order; none left means no managedFields at all. */
    private static Map<String, Object> withManagedFields(Map<String, Object> object, List<Entry> entries) {
        Map<String, Object> out = JsonTree.copyObject(object);
        Map<String, Object> metadata = JsonTree.child(out, "metadata");
        List<Object> encoded = entries.stream().filter(e -> !e.fields().isEmpty())
                .sorted(Comparator.comparing(Entry::operation)
                        .thenComparing(e -> Objects.requireNonNullElse(e.time(), ""))
                        .thenComparing(Entry::manager).thenComparing(Entry::apiVersion).thenComparing(Entry::subresource))
                .map(FieldManager::encode).toList();
        if (encoded.isEmpty()) {
            metadata.remove(MANAGED_FIELDS);
        } else {
            metadata.put(MANAGED_FIELDS, new ArrayList<>(encoded));
        }
        return out;
    }

    private static Object encode(Entry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("manager", entry.manager());
        out.put("operation", entry.operation());
        out.put("apiVersion", entry.apiVersion());
        if (entry.time() != null) {
            out.put("time", entry.time());
        }
        out.put("fieldsType", "FieldsV1");
        out.put("fieldsV1", entry.fields().toFieldsV1());
        if (!entry.subresource().isEmpty()) {
            out.put("subresource", entry.subresource());
        }
        return out;
    }

    private static Map<String, Object> withoutManagedFields(Map<String, Object> object) {
        Map<String, Object> out = JsonTree.copyObject(object);
        JsonTree.object(out, "metadata").ifPresent(m -> m.remove(MANAGED_FIELDS));
        return out;
    }

    private String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static List<PathElement> metadata(String field) {
        return List.of(new PathElement.Field("metadata"), new PathElement.Field(field));
    }
}
