package dev.todokube.bgkube.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two patch formats of the API server besides server-side apply: JSON patch (RFC 6902; a
 * failed operation, e.g. a {@code test} or a path that is not there, is 422 as on the API server)
 * and JSON merge patch (RFC 7386: null removes). Strategic merge patch is not modelled.
 *
 * <p>fabric8's CRUD mode creates the missing objects on the way to a JSON patch operation's path
 * (an {@code add} to {@code /metadata/annotations/x} of an object without annotations succeeds);
 * the API server does not. {@code createMissingParents} chooses which one to be.
 */
final class Patches {

    private Patches() {
    }

    /** The document after the operations, applied to a copy. */
    static Map<String, Object> jsonPatch(Map<String, Object> document, Object operations) {
        if (!(operations instanceof List<?> list)) {
            throw new StatusError(400, "json patch: the body is not a list of operations");
        }
        Object doc = JsonTree.copy(document);
        for (Object item : list) {
            if (!(item instanceof Map<?, ?>)) {
                throw new StatusError(400, "json patch: an operation is not an object");
            }
            doc = operation(doc, JsonTree.asMap(item));
        }
        return JsonTree.asMap(doc);
    }

    /** A path that is not in the document. */
    private static final class Missing extends RuntimeException {
        Missing() {
            super(null, null, false, false);
        }
    }

    private static Object operation(Object doc, Map<String, Object> op) {
        String name = String.valueOf(op.get("op"));
        try {
            return apply(doc, name, op);
        } catch (Missing e) {
            throw new StatusError(422, name + " operation does not apply: doc is missing path: \"" + op.get("path")
                    + "\": missing value");
        }
    }

    private static Object apply(Object doc, String name, Map<String, Object> op) {
        List<String> path = pointer(op.get("path"));
        switch (name) {
            case "add" -> add(doc, path, JsonTree.copy(op.get("value")));
            case "remove" -> remove(doc, path);
            case "replace" -> {
                remove(doc, path);
                add(doc, path, JsonTree.copy(op.get("value")));
            }
            case "test" -> {
                if (!JsonTree.equal(get(doc, path), op.get("value"))) {
                    throw new StatusError(422, "testing value " + op.get("path") + " failed: test failed");
                }
            }
            case "move", "copy" -> {
                List<String> from = pointer(op.get("from"));
                Object value = JsonTree.copy(get(doc, from));
                if ("move".equals(name)) {
                    remove(doc, from);
                }
                add(doc, path, value);
            }
            default -> throw new StatusError(400, "json patch: unknown operation " + name);
        }
        return doc;
    }

    private static List<String> pointer(Object pointer) {
        if (!(pointer instanceof String text) || (!text.isEmpty() && !text.startsWith("/"))) {
            throw new StatusError(400, "json patch: invalid path " + pointer);
        }
        List<String> tokens = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String token : text.substring(1).split("/", -1)) {
                tokens.add(token.replace("~1", "/").replace("~0", "~"));
            }
        }
        return tokens;
    }

    private static Object get(Object doc, List<String> path) {
        Object node = doc;
        for (String token : path) {
            node = child(node, token);
        }
        return node;
    }

    private static Object child(Object node, String token) {
        if (node instanceof Map<?, ?> map && map.containsKey(token)) {
            return map.get(token);
        }
        if (node instanceof List<?> list && token.matches("\\d+") && Integer.parseInt(token) < list.size()) {
            return list.get(Integer.parseInt(token));
        }
        throw new Missing();
    }

    private static void add(Object doc, List<String> path, Object value) {
        if (path.isEmpty()) {
            throw new StatusError(422, "json patch: cannot replace the whole document");
        }
        Object parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent instanceof Map<?, ?>) {
            JsonTree.asMap(parent).put(last, value);
        } else if (parent instanceof List<?>) {
            List<Object> list = JsonTree.asList(parent);
            int index = "-".equals(last) ? list.size() : index(last, list.size() + 1);
            list.add(index, value);
        } else {
            throw new Missing();
        }
    }

    private static void remove(Object doc, List<String> path) {
        if (path.isEmpty()) {
            throw new StatusError(422, "json patch: cannot remove the whole document");
        }
        Object parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent instanceof Map<?, ?> map && map.containsKey(last)) {
            map.remove(last);
        } else if (parent instanceof List<?>) {
            JsonTree.asList(parent).remove(index(last, JsonTree.asList(parent).size()));
        } else {
            throw new Missing();
        }
    }

    private static int index(String token, int bound) {
        if (!token.matches("\\d+") || Integer.parseInt(token) >= bound) {
            throw new Missing();
        }
        return Integer.parseInt(token);
    }

    /** The target after an RFC 7386 merge patch: objects merged key by key, null removes, anything else replaces. */
    static Map<String, Object> mergePatch(Map<String, Object> target, Object patch) {
        if (!(patch instanceof Map<?, ?>)) {
            throw new StatusError(400, "merge patch: the body is not a JSON object");
        }
        return JsonTree.asMap(merge(target, patch));
    }

    private static Object merge(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?>)) {
            return JsonTree.copy(patch);
        }
        Map<String, Object> out = target instanceof Map<?, ?> ? JsonTree.asMap(JsonTree.copy(target)) : new LinkedHashMap<>();
        JsonTree.asMap(patch).forEach((key, value) -> {
            if (value == null) {
                out.remove(key);
            } else {
                out.put(key, merge(out.get(key), value));
            }
        });
        return out;
    }
}
