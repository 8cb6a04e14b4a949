package dev.todokube.bgkube.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes objects as plain JSON trees (maps, lists, strings, numbers, booleans, null), the form
 * the mock API server's field management works on: read from JSON or YAML, written as compact JSON.
 */
final class JsonTree {

    /** JSON through plain Jackson: fabric8's serialization is ten times slower, and the mock parses on every request. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private JsonTree() {
    }

    /** A JSON or YAML document (an apply patch may be YAML) as a tree. */
    static Object parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\"")) {
            try {
                return JSON.readValue(trimmed, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
            }
        }
        return YAML.unmarshal(text, Object.class);
    }

    /** A JSON or YAML object as a mutable map; an error names what the text was instead. */
    static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return asMap(value);
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value) {
        return (List<Object>) value;
    }

    /** A copy that shares nothing mutable with the original. */
    static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, copy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    static Map<String, Object> copyObject(Map<String, Object> object) {
        return asMap(copy(object));
    }

    /** Deep equality; numbers compare by value (a YAML 1 equals a JSON 1.0), map order does not matter. */
    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a == null ? b == null : a.equals(b);
    }

    /** The object at {@code keys} (each a map key), if every step is a map. */
    static Optional<Map<String, Object>> object(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            node = map.get(key);
        }
        return node instanceof Map ? Optional.of(asMap(node)) : Optional.empty();
    }

    /** The string at {@code keys}, if there is one. */
    static Optional<String> string(Map<String, Object> root, String... keys) {
        if (keys.length == 0) {
            return Optional.empty();
        }
        String[] parent = Arrays.copyOf(keys, keys.length - 1);
        return object(root, parent).map(m -> m.get(keys[keys.length - 1]))
                .filter(String.class::isInstance).map(String.class::cast);
    }

    /** The map under {@code key} of {@code parent}, created empty when absent. */
    static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value instanceof Map) {
            return asMap(value);
        }
        Map<String, Object> created = new LinkedHashMap<>();
        parent.put(key, created);
        return created;
    }
}
