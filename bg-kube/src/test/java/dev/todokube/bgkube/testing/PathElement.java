package dev.todokube.bgkube.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One step of a field path in managedFields' FieldsV1 encoding: a field {@code f:name}, an item
 * of an associative list by its key fields {@code k:{"name":"x"}}, an item of a set {@code v:"x"},
 * or a list index {@code i:0}. Ordered as the API server orders them: fields, keys, values, indexes.
 */
sealed interface PathElement extends Comparable<PathElement> {

    /** The FieldsV1 key, e.g. {@code f:spec}. */
    String encoded();

    /** As a field path prints in a conflict message, e.g. {@code .spec} or {@code [name="x"]}. */
    String display();

    int rank();

    @Override
    default int compareTo(PathElement other) {
        return rank() != other.rank() ? Integer.compare(rank(), other.rank()) : encoded().compareTo(other.encoded());
    }

    /** Parses a FieldsV1 key; an unknown prefix is an error naming it. */
    static PathElement decode(String encoded) {
        if (encoded.length() < 2 || encoded.charAt(1) != ':') {
            throw new IllegalArgumentException("not a FieldsV1 path element: " + encoded);
        }
        String body = encoded.substring(2);
        return switch (encoded.charAt(0)) {
            case 'f' -> new Field(body);
            case 'k' -> new Key(canonical(JsonTree.parseObject(body)));
            case 'v' -> new Value(JsonTree.write(JsonTree.parse(body)));
            case 'i' -> new Index(Integer.parseInt(body));
            default -> throw new IllegalArgumentException("unknown FieldsV1 path element: " + encoded);
        };
    }

    static Key key(Map<String, Object> fields) {
        return new Key(canonical(fields));
    }

    static Value value(Object value) {
        return new Value(JsonTree.write(value));
    }

    /** Key fields as JSON with the names sorted, as the API server writes them. */
    private static String canonical(Map<String, Object> fields) {
        return JsonTree.write(new TreeMap<>(fields));
    }

    record Field(String name) implements PathElement {
        @Override
        public String encoded() {
            return "f:" + name;
        }

        @Override
        public String display() {
            return "." + name;
        }

        @Override
        public int rank() {
            return 0;
        }
    }

    /** @param json the key fields as JSON, names sorted */
    record Key(String json) implements PathElement {
        @Override
        public String encoded() {
            return "k:" + json;
        }

        @Override
        public String display() {
            return JsonTree.parseObject(json).entrySet().stream()
                    .map(e -> e.getKey() + "=" + JsonTree.write(e.getValue()))
                    .collect(Collectors.joining(",", "[", "]"));
        }

        @Override
        public int rank() {
            return 1;
        }
    }

    /** @param json the item as JSON */
    record Value(String json) implements PathElement {
        @Override
        public String encoded() {
            return "v:" + json;
        }

        @Override
        public String display() {
            return "[=" + json + "]";
        }

        @Override
        public int rank() {
            return 2;
        }
    }

    record Index(int index) implements PathElement {
        @Override
        public String encoded() {
            return "i:" + index;
        }

        @Override
        public String display() {
            return "[" + index + "]";
        }

        @Override
        public int rank() {
            return 3;
        }
    }
}
