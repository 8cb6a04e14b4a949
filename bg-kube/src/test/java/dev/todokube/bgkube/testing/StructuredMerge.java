package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.testing.FieldSchema.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tree operations of server-side apply, with the semantics of Kubernetes' structured-merge-diff
 * (rewritten here, for the mock's schema): the field set a configuration applies, the fields two
 * versions of an object differ in, the merge of a configuration into a live object, and the
 * removal of a field set from an object.
 */
final class StructuredMerge {

    /** A field missing from an object (as opposed to a field set to null). */
    private static final Object ABSENT = new Object();
    private static final String ITEM = "[]";

    /** Fields added, changed and removed from one version of an object to the next. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        FieldSet changed() {
            return added.union(modified);
        }
    }

    private final FieldSchema schema;

    StructuredMerge(FieldSchema schema) {
        this.schema = schema;
    }

    /**
     * The fields a configuration sets: every scalar, atomic list or struct, item of an
     * associative list or set, and entry of a map; a struct's own path only when it is empty.
     */
    FieldSet appliedFields(Map<String, Object> config) {
        FieldSet.Builder set = new FieldSet.Builder();
        applied(new ArrayList<>(), new ArrayList<>(), config, set);
        return set.build();
    }

    private void applied(List<PathElement> path, List<String> typePath, Object value, FieldSet.Builder set) {
        Kind kind = schema.kindOf(typePath, value);
        if (value instanceof Map<?, ?> && (kind == Kind.STRUCT || kind == Kind.MAP)) {
            JsonTree.asMap(value).forEach((key, child) -> {
                List<PathElement> childPath = append(path, new PathElement.Field(key));
                applied(childPath, append(typePath, key), child, set);
                if (child == null || isEmptyMap(child) || kind == Kind.MAP) {
                    set.insert(childPath);
                }
            });
        } else if (value instanceof List<?> && (kind == Kind.ASSOCIATIVE_LIST || kind == Kind.SET_LIST)) {
            List<String> itemType = append(typePath, ITEM);
            for (Object item : JsonTree.asList(value)) {
                List<PathElement> itemPath = append(path, element(typePath, kind, item));
                applied(itemPath, itemType, item, set);
                set.insert(itemPath);
            }
        } else {
            set.insert(path);
        }
    }

    /** How {@code after} differs from {@code before}: each field added, modified or removed, with the nodes added or removed as wholes. */
    Comparison compare(Map<String, Object> before, Map<String, Object> after) {
        FieldSet.Builder added = new FieldSet.Builder();
        FieldSet.Builder modified = new FieldSet.Builder();
        FieldSet.Builder removed = new FieldSet.Builder();
        compare(new ArrayList<>(), new ArrayList<>(), before, after, new Comparing(added, modified, removed));
        return new Comparison(added.build(), modified.build(), removed.build());
    }

    private record Comparing(FieldSet.Builder added, FieldSet.Builder modified, FieldSet.Builder removed) {}

    private void compare(List<PathElement> path, List<String> typePath, Object lhs, Object rhs, Comparing out) {
        Object sample = rhs == ABSENT ? lhs : rhs;
        Kind kind = schema.kindOf(typePath, sample);
        boolean granular = kind == Kind.STRUCT || kind == Kind.MAP || kind == Kind.ASSOCIATIVE_LIST || kind == Kind.SET_LIST;
        boolean sameShape = lhs == ABSENT || rhs == ABSENT || sameShape(lhs, rhs);
        if (!granular || !sameShape || (isEmpty(lhs) && isEmpty(rhs))) {
            if (lhs == ABSENT) {
                out.added().insert(path);
            } else if (rhs == ABSENT) {
                out.removed().insert(path);
            } else if (!JsonTree.equal(lhs, rhs)) {
                out.modified().insert(path);
            }
            return;
        }
        if (kind == Kind.STRUCT || kind == Kind.MAP) {
            Map<String, Object> left = lhs == ABSENT ? Map.of() : JsonTree.asMap(lhs);
            Map<String, Object> right = rhs == ABSENT ? Map.of() : JsonTree.asMap(rhs);
            Set<String> keys = new LinkedHashSet<>(left.keySet());
            keys.addAll(right.keySet());
            for (String key : keys) {
                List<String> childType = append(typePath, key);
                compare(append(path, new PathElement.Field(key)), childType,
                        field(left, lhs != ABSENT, key, childType), field(right, rhs != ABSENT, key, childType), out);
            }
        } else {
            Map<PathElement, Object> left = items(typePath, kind, lhs);
            Map<PathElement, Object> right = items(typePath, kind, rhs);
            Set<PathElement> elements = new LinkedHashSet<>(left.keySet());
            elements.addAll(right.keySet());
            for (PathElement element : elements) {
                compare(append(path, element), append(typePath, ITEM), left.getOrDefault(element, ABSENT),
                        right.getOrDefault(element, ABSENT), out);
            }
        }
        if (!path.isEmpty() && lhs == ABSENT) {
            out.added().insert(path);
        } else if (!path.isEmpty() && rhs == ABSENT) {
            out.removed().insert(path);
        }
    }

    /**
     * A field of an object, or ABSENT; a struct Go always has (a non-pointer field) is there, empty,
     * whenever its parent is, as the API server's typed objects have it.
     */
    private Object field(Map<String, Object> parent, boolean parentPresent, String key, List<String> typePath) {
        if (parent.containsKey(key)) {
            return parent.get(key);
        }
        return parentPresent && schema.alwaysPresent(typePath) ? new LinkedHashMap<String, Object>() : ABSENT;
    }

    /** The configuration merged into the live object: structs and maps field by field, associative lists and sets item by item, anything else replaced. */
    Map<String, Object> merge(Map<String, Object> live, Map<String, Object> config) {
        return JsonTree.asMap(merge(new ArrayList<>(), live, config));
    }

    private Object merge(List<String> typePath, Object lhs, Object rhs) {
        if (rhs == ABSENT) {
            return JsonTree.copy(lhs);
        }
        if (lhs == ABSENT || !sameShape(lhs, rhs) || (isEmpty(lhs) && isEmpty(rhs))) {
            return JsonTree.copy(rhs);
        }
        Kind kind = schema.kindOf(typePath, rhs);
        if (kind == Kind.STRUCT || kind == Kind.MAP) {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Object> left = JsonTree.asMap(lhs);
            Map<String, Object> right = JsonTree.asMap(rhs);
            left.forEach((key, value) -> out.put(key, merge(append(typePath, key), value, right.getOrDefault(key, ABSENT))));
            right.forEach((key, value) -> out.putIfAbsent(key, JsonTree.copy(value)));
            return out;
        }
        if (kind == Kind.ASSOCIATIVE_LIST || kind == Kind.SET_LIST) {
            return mergeItems(typePath, items(typePath, kind, lhs), items(typePath, kind, rhs));
        }
        return JsonTree.copy(rhs);
    }

    /** Live items keep their places; configured items come in the configuration's order, each merged with its live twin. */
    private List<Object> mergeItems(List<String> typePath, Map<PathElement, Object> live,
            Map<PathElement, Object> config) {
        List<String> itemType = append(typePath, ITEM);
        List<PathElement> configOrder = new ArrayList<>(config.keySet());
        List<Object> out = new ArrayList<>();
        int next = 0;
        for (Map.Entry<PathElement, Object> item : live.entrySet()) {
            int at = configOrder.indexOf(item.getKey());
            if (at < 0) {
                out.add(JsonTree.copy(item.getValue()));
                continue;
            }
            for (; next <= at; next++) {
                PathElement element = configOrder.get(next);
                out.add(merge(itemType, live.getOrDefault(element, ABSENT), config.get(element)));
            }
        }
        for (; next < configOrder.size(); next++) {
            PathElement element = configOrder.get(next);
            out.add(merge(itemType, live.getOrDefault(element, ABSENT), config.get(element)));
        }
        return out;
    }

    /**
     * The object as an apply leaves it: the fields the applier applied last time and no longer applies
     * ({@code unapplied}) removed, unless a manager owns something under them ({@code owned}); what a
     * removal empties goes too; fields nobody applied (a name, a uid, a controller's default) stay, as
     * the API server's structured merge adds back what was not in the applier's last set.
     */
    Map<String, Object> prune(Map<String, Object> object, FieldSet unapplied, FieldSet owned) {
        Object result = prune(new ArrayList<>(), object, unapplied, owned);
        return result == null ? new LinkedHashMap<>() : JsonTree.asMap(result);
    }

    private Object prune(List<String> typePath, Object value, FieldSet unapplied, FieldSet owned) {
        if (unapplied.isEmpty() || isEmpty(value)) {
            return value;
        }
        Kind kind = schema.kindOf(typePath, value);
        if (value instanceof Map<?, ?> && (kind == Kind.STRUCT || kind == Kind.MAP)) {
            Map<String, Object> out = new LinkedHashMap<>();
            JsonTree.asMap(value).forEach((key, child) -> {
                PathElement element = new PathElement.Field(key);
                Object kept = pruned(append(typePath, key), child, element, unapplied, owned);
                if (kept != null || child == null) {
                    out.put(key, kept);
                }
            });
            return out.isEmpty() ? null : out;
        }
        if (value instanceof List<?> && (kind == Kind.ASSOCIATIVE_LIST || kind == Kind.SET_LIST)) {
            List<Object> out = new ArrayList<>();
            for (Object item : JsonTree.asList(value)) {
                Object kept = pruned(append(typePath, ITEM), item, element(typePath, kind, item), unapplied, owned);
                if (kept != null) {
                    out.add(kept);
                }
            }
            return out.isEmpty() ? null : out;
        }
        return value;
    }

    /** One child pruned: gone when unapplied and nothing under it owned; else what is left of it (null when emptied). */
    private Object pruned(List<String> typePath, Object child, PathElement element, FieldSet unapplied, FieldSet owned) {
        boolean ownedBelow = owned.isMember(element) || !owned.child(element).isEmpty();
        if (unapplied.isMember(element) && !ownedBelow) {
            return null;
        }
        FieldSet below = unapplied.child(element);
        if (below.isEmpty()) {
            return child;
        }
        Object kept = prune(typePath, child, below, owned.child(element));
        return kept == null && !isEmpty(child) ? null : kept;
    }

    private Map<PathElement, Object> items(List<String> typePath, Kind kind, Object list) {
        Map<PathElement, Object> items = new LinkedHashMap<>();
        if (list instanceof List<?>) {
            for (Object item : JsonTree.asList(list)) {
                items.putIfAbsent(element(typePath, kind, item), item);
            }
        }
        return items;
    }

    private PathElement element(List<String> typePath, Kind kind, Object item) {
        if (kind == Kind.ASSOCIATIVE_LIST && item instanceof Map<?, ?>) {
            return schema.keyOf(typePath, JsonTree.asMap(item));
        }
        return PathElement.value(item);
    }

    private static boolean sameShape(Object a, Object b) {
        return (a instanceof Map) == (b instanceof Map) && (a instanceof List) == (b instanceof List);
    }

    private static boolean isEmpty(Object value) {
        return value == null || value == ABSENT || isEmptyMap(value) || (value instanceof List<?> list && list.isEmpty());
    }

    private static boolean isEmptyMap(Object value) {
        return value instanceof Map<?, ?> map && map.isEmpty();
    }

    private static <T> List<T> append(List<T> list, T element) {
        List<T> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(element);
        return out;
    }
}
