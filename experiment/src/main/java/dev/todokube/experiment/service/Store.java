package dev.todokube.experiment.service;

import java.util.Map;

/** Where a todo-api replica keeps its todos, as the environment variables that select it. */
public sealed interface Store {

    Map<String, String> env();

    String describe();

    static Store memory() {
        return new Memory();
    }

    static Store mongo(String uri) {
        return new Mongo(uri);
    }

    /** The embedded default: each replica has its own in-memory todos. */
    record Memory() implements Store {
        @Override
        public Map<String, String> env() {
            return Map.of("DB_TYPE", "memory");
        }

        @Override
        public String describe() {
            return "in-memory (one store per replica)";
        }
    }

    /** A MongoDB shared by all replicas. */
    record Mongo(String uri) implements Store {
        public Mongo {
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException("MongoDB URI is empty");
            }
        }

        @Override
        public Map<String, String> env() {
            return Map.of("DB_TYPE", "mongo", "DB_URI", uri);
        }

        @Override
        public String describe() {
            return "MongoDB at " + uri;
        }
    }
}
