package dev.todokube.api.config;

/**
 * Every configuration key: its environment/.env name, its place in config.yml, its default and its
 * meaning. The README's configuration table lists the same keys.
 */
public enum ConfigKey {
    SERVER_TYPE("server.type", "grpc", "Transport; only grpc (kept for the original config.yml)"),
    SERVER_HOST("server.host", "0.0.0.0", "gRPC listen address"),
    SERVER_PORT("server.port", "8001", "gRPC port; 0 = ephemeral"),
    METRICS_HOST("metrics.host", null, "Metrics HTTP listen address; defaults to SERVER_HOST"),
    METRICS_PORT("metrics.port", "9090", "Metrics HTTP port; 0 = ephemeral"),
    DB_TYPE("database.type", "memory", "memory or mongo (mongodb is accepted as an alias)"),
    DB_HOST("database.host", "localhost", "MongoDB host (ignored when DB_URI is set)"),
    DB_PORT("database.port", "27017", "MongoDB port (ignored when DB_URI is set)"),
    DB_URI("database.uri", "", "Full MongoDB connection string (credentials, replica set, TLS)"),
    DB_NAME("database.name", "TodosDB", "MongoDB database; the collection is todos"),
    DB_TIMEOUT("database.timeout", "2s", "Upper bound on a store call and on a health ping"),
    DB_POOL_SIZE("database.pool_size", "auto", "Most MongoDB connections, one per store call in flight (auto: 8 per processor)"),
    STORE_QUEUE_SIZE("database.queue_size", "512", "Store calls that may wait beyond DB_POOL_SIZE; beyond: UNAVAILABLE"),
    AUTH_TOKENS("auth.tokens", "", "Comma-separated bearer tokens; empty = auth off"),
    TLS_CERT_FILE("tls.cert_file", "", "PEM certificate chain; TLS on when set (with TLS_KEY_FILE)"),
    TLS_KEY_FILE("tls.key_file", "", "PEM PKCS#8 private key"),
    SHUTDOWN_GRACE("server.shutdown_grace", "20s", "How long in-flight calls may run after SIGTERM"),
    MAX_CONNECTION_AGE("server.max_connection_age", "30s", "Connections are asked to reconnect after this age; 0 = never"),
    MAX_CONNECTION_AGE_GRACE("server.max_connection_age_grace", "10s", "Time calls get to finish on an aged connection"),
    MAX_INBOUND_MESSAGE_SIZE("server.max_inbound_message_size", "1048576", "Largest request in bytes; larger: RESOURCE_EXHAUSTED"),
    MEMORY_STORE_DELAY("database.memory_delay", "0", "Test/benchmark knob: artificial latency of every memory-store call");

    private final String yamlPath;
    private final String defaultValue;
    private final String meaning;

    ConfigKey(String yamlPath, String defaultValue, String meaning) {
        this.yamlPath = yamlPath;
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    public String yamlPath() {
        return yamlPath;
    }

    /** The built-in default, or null when it derives from another key. */
    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }
}
