package dev.todokube.api.config;

/** Which {@code TodoStore} serves the data. */
public enum StoreType {
    MEMORY("memory"),
    MONGO("mongo");

    private final String label;

    StoreType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
