package dev.todokube.bgkube.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A set of field paths, as one managedFields entry holds them: at each node, the members (paths
 * ending here) and the children (paths going deeper). Its FieldsV1 form writes a member as
 * {@code "f:x": {}} and a node that is both a member and a parent with {@code ".": {}} inside.
 * The operations follow the API server's: a difference of a parent and a child leaves the parent.
 * Immutable.
 */
final class FieldSet {

    private static final FieldSet EMPTY = new FieldSet(new TreeSet<>(), new TreeMap<>());

    private final SortedSet<PathElement> members;
    private final SortedMap<PathElement, FieldSet> children;

    private FieldSet(SortedSet<PathElement> members, SortedMap<PathElement, FieldSet> children) {
        this.members = members;
        this.children = children;
    }

    static FieldSet empty() {
        return EMPTY;
    }

    /** The set of these paths. */
    static FieldSet of(List<List<PathElement>> paths) {
        Builder builder = new Builder();
        paths.forEach(builder::insert);
        return builder.build();
    }

    /** Reads the FieldsV1 JSON of a managedFields entry; malformed input is an error naming the key. */
    static FieldSet fromFieldsV1(Map<String, Object> fields) {
        Builder builder = new Builder();
        read(fields, new ArrayList<>(), builder);
        return builder.build();
    }

    private static void read(Map<String, Object> node, List<PathElement> path, Builder builder) {
        for (Map.Entry<String, Object> entry : node.entrySet()) {
            if (".".equals(entry.getKey())) {
                builder.insert(path);
                continue;
            }
            if (!(entry.getValue() instanceof Map)) {
                throw new IllegalArgumentException("FieldsV1 value of " + entry.getKey() + " is not an object");
            }
            Map<String, Object> child = JsonTree.asMap(entry.getValue());
            List<PathElement> childPath = new ArrayList<>(path);
            childPath.add(PathElement.decode(entry.getKey()));
            if (child.isEmpty()) {
                builder.insert(childPath);
            } else {
                read(child, childPath, builder);
            }
        }
    }

    Map<String, Object> toFieldsV1() {
        Map<String, Object> out = new LinkedHashMap<>();
        TreeSet<PathElement> keys = new TreeSet<>(members);
        keys.addAll(children.keySet());
        for (PathElement key : keys) {
            FieldSet child = children.get(key);
            if (child == null) {
                out.put(key.encoded(), new LinkedHashMap<>());
                continue;
            }
            Map<String, Object> inner = new LinkedHashMap<>();
            if (members.contains(key)) {
                inner.put(".", new LinkedHashMap<>());
            }
            inner.putAll(child.toFieldsV1());
            out.put(key.encoded(), inner);
        }
        return out;
    }

    boolean isEmpty() {
        return members.isEmpty() && children.isEmpty();
    }

    boolean isMember(PathElement element) {
        return members.contains(element);
    }

    /** The paths under {@code element}, relative to it (empty when there are none). */
    FieldSet child(PathElement element) {
        return children.getOrDefault(element, EMPTY);
    }

    SortedMap<PathElement, FieldSet> children() {
        return children;
    }

    FieldSet union(FieldSet other) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.addAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>(children);
        other.children.forEach((pe, set) -> c.merge(pe, set, FieldSet::union));
        return new FieldSet(m, c);
    }

    FieldSet intersection(FieldSet other) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.retainAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, set) -> {
            FieldSet theirs = other.children.get(pe);
            if (theirs != null) {
                FieldSet both = set.intersection(theirs);
                if (!both.isEmpty()) {
                    c.put(pe, both);
                }
            }
        });
        return new FieldSet(m, c);
    }

    /** Paths of this set not in {@code other}; a parent minus a child is still the parent. */
    FieldSet difference(FieldSet other) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        children.forEach((pe, set) -> {
            FieldSet theirs = other.children.get(pe);
            FieldSet rest = theirs == null ? set : set.difference(theirs);
            if (!rest.isEmpty()) {
                c.put(pe, rest);
            }
        });
        return new FieldSet(m, c);
    }

    /** Every member path, depth first in order. */
    void forEachPath(Consumer<List<PathElement>> action) {
        walk(new ArrayList<>(), action);
    }

    private void walk(List<PathElement> prefix, Consumer<List<PathElement>> action) {
        TreeSet<PathElement> keys = new TreeSet<>(members);
        keys.addAll(children.keySet());
        for (PathElement key : keys) {
            List<PathElement> path = new ArrayList<>(prefix);
            path.add(key);
            if (members.contains(key)) {
                action.accept(List.copyOf(path));
            }
            FieldSet child = children.get(key);
            if (child != null) {
                child.walk(path, action);
            }
        }
    }

    /** A path as a conflict message prints it, e.g. {@code .spec.template.spec.containers[name="x"].image}. */
    static String display(List<PathElement> path) {
        StringBuilder text = new StringBuilder();
        path.forEach(pe -> text.append(pe.display()));
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet other && members.equals(other.members) && children.equals(other.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(members, children);
    }

    @Override
    public String toString() {
        return JsonTree.write(toFieldsV1());
    }

    /** Collects paths into a set. */
    static final class Builder {
        private final TreeSet<PathElement> members = new TreeSet<>();
        private final TreeMap<PathElement, Builder> children = new TreeMap<>();

        Builder insert(List<PathElement> path) {
            if (path.isEmpty()) {
                return this;
            }
            Builder node = this;
            for (int i = 0; i < path.size() - 1; i++) {
                node = node.children.computeIfAbsent(path.get(i), pe -> new Builder());
            }
            node.members.add(path.get(path.size() - 1));
            return this;
        }

        FieldSet build() {
            TreeMap<PathElement, FieldSet> built = new TreeMap<>();
            children.forEach((pe, child) -> {
                FieldSet set = child.build();
                if (!set.isEmpty()) {
                    built.put(pe, set);
                }
            });
            return members.isEmpty() && built.isEmpty() ? EMPTY : new FieldSet(new TreeSet<>(members), built);
        }
    }
}
