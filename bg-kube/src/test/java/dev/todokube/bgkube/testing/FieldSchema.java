package dev.todokube.bgkube.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The little of Kubernetes' OpenAPI schema that field management needs, for the kinds bg-kube
 * writes: which lists are associative (and by which keys, as their {@code +listMapKey} markers
 * say), which are sets, which objects are free-form maps rather than structs with named fields,
 * which structs are atomic, and which structs Go always has (non-pointer fields, never "added").
 * Everything not named here is a struct (if an object) or an atomic list, as the API server treats
 * a list without a list type.
 *
 * <p>A node is named by its type path: field names from the root, {@code []} for a list item, e.g.
 * {@code spec.template.spec.containers.[].ports}.
 */
final class FieldSchema {

    /** How a JSON object or list at a path merges and is tracked. */
    enum Kind { STRUCT, MAP, ATOMIC, ASSOCIATIVE_LIST, SET_LIST, ATOMIC_LIST }

    /** Keys of associative lists, by the list's field name (the parent decides between container and Service ports). */
    private static final Map<String, List<String>> LIST_KEYS = Map.ofEntries(
            Map.entry("containers", List.of("name")),
            Map.entry("initContainers", List.of("name")),
            Map.entry("ephemeralContainers", List.of("name")),
            Map.entry("env", List.of("name")),
            Map.entry("volumes", List.of("name")),
            Map.entry("volumeMounts", List.of("mountPath")),
            Map.entry("volumeDevices", List.of("devicePath")),
            Map.entry("imagePullSecrets", List.of("name")),
            Map.entry("ownerReferences", List.of("uid")),
            Map.entry("conditions", List.of("type")),
            Map.entry("hostAliases", List.of("ip")),
            Map.entry("topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable")));
    private static final List<String> CONTAINER_PORT_KEYS = List.of("containerPort", "protocol");
    private static final List<String> SERVICE_PORT_KEYS = List.of("port", "protocol");
    /** Key fields the API server defaults when an item leaves them out. */
    private static final Map<String, Object> KEY_DEFAULTS = Map.of("protocol", "TCP");
    private static final Set<String> SET_LISTS = Set.of("finalizers");
    private static final Set<String> MAPS = Set.of("labels", "annotations", "matchLabels", "nodeSelector", "data",
            "binaryData", "stringData", "limits", "requests", "capacity", "allocatable");
    /** LabelSelector is an atomic struct wherever it appears, except that a Service's selector is a plain map. */
    private static final Set<String> ATOMIC_STRUCTS = Set.of("selector", "labelSelector", "namespaceSelector");
    private static final Set<String> ALWAYS_PRESENT = Set.of("metadata", "spec", "status", "template", "strategy",
            "resources", "scaleTargetRef", "loadBalancer", "involvedObject", "source");

    private final String kind;

    FieldSchema(String kind) {
        this.kind = kind;
    }

    /** The schema of the kind an object declares. */
    static FieldSchema of(Map<String, Object> object) {
        return new FieldSchema(String.valueOf(object.get("kind")));
    }

    Kind kindOf(List<String> typePath, Object value) {
        String field = typePath.isEmpty() ? "" : typePath.get(typePath.size() - 1);
        if (value instanceof List) {
            if (!listKeys(typePath).isEmpty()) {
                return Kind.ASSOCIATIVE_LIST;
            }
            return SET_LISTS.contains(field) ? Kind.SET_LIST : Kind.ATOMIC_LIST;
        }
        if (value instanceof Map) {
            if ("selector".equals(field) && "Service".equals(kind)) {
                return Kind.MAP;
            }
            if (ATOMIC_STRUCTS.contains(field)) {
                return Kind.ATOMIC;
            }
            return MAPS.contains(field) ? Kind.MAP : Kind.STRUCT;
        }
        return Kind.ATOMIC;
    }

    /** The key fields of the associative list at this path; empty if it is not one. */
    List<String> listKeys(List<String> typePath) {
        String field = typePath.isEmpty() ? "" : typePath.get(typePath.size() - 1);
        if ("ports".equals(field)) {
            boolean inContainer = typePath.size() >= 3 && typePath.get(typePath.size() - 2).equals("[]")
                    && typePath.get(typePath.size() - 3).endsWith("ontainers");
            if (inContainer) {
                return CONTAINER_PORT_KEYS;
            }
            return "Service".equals(kind) && typePath.equals(List.of("spec", "ports")) ? SERVICE_PORT_KEYS : List.of();
        }
        return LIST_KEYS.getOrDefault(field, List.of());
    }

    /** The path element of an associative list's item: its key fields, defaulted as the API server does. */
    PathElement keyOf(List<String> typePath, Map<String, Object> item) {
        Map<String, Object> key = new LinkedHashMap<>();
        for (String name : listKeys(typePath)) {
            Object value = item.containsKey(name) ? item.get(name) : KEY_DEFAULTS.get(name);
            if (value != null) {
                key.put(name, value);
            }
        }
        return PathElement.key(key);
    }

    /** Whether a Go object always has this struct (a non-pointer field), so it is never added or removed itself. */
    boolean alwaysPresent(List<String> typePath) {
        return !typePath.isEmpty() && ALWAYS_PRESENT.contains(typePath.get(typePath.size() - 1));
    }
}
