package dev.todokube.api.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The service's effective, validated configuration. Build it with {@link ConfigLoader}. */
public record ApiConfig(
        String serverHost,
        int serverPort,
        String metricsHost,
        int metricsPort,
        StoreType storeType,
        String mongoUri,
        String dbName,
        Duration dbTimeout,
        int dbPoolSize,
        int storeQueueSize,
        List<String> authTokens,
        Optional<TlsFiles> tls,
        Duration shutdownGrace,
        Duration maxConnectionAge,
        Duration maxConnectionAgeGrace,
        int maxInboundMessageSize,
        Duration memoryStoreDelay,
        List<SourcedValue> values) {

    private static final Pattern URI_PASSWORD = Pattern.compile("^(mongodb(?:\\+srv)?://[^:/@]*:)[^@/]*@");

    public ApiConfig {
        authTokens = List.copyOf(authTokens);
        values = List.copyOf(values);
    }

    public boolean authEnabled() {
        return !authTokens.isEmpty();
    }

    /** One line, {@code KEY=value (source)} per key, with secrets masked. */
    public String render() {
        return values.stream()
                .map(v -> v.key() + "=" + masked(v) + " (" + v.source().describe() + ")")
                .collect(Collectors.joining(", "));
    }

    /** The MongoDB connection string with its password masked, for logs. */
    public String maskedMongoUri() {
        return maskUri(mongoUri);
    }

    private static String masked(SourcedValue value) {
        if (value.key().equals(ConfigKey.AUTH_TOKENS.name())) {
            long count = value.raw().isBlank() ? 0 : value.raw().split(",").length;
            return count == 0 ? "" : "***(" + count + " tokens)";
        }
        if (value.key().equals(ConfigKey.DB_URI.name())) {
            return maskUri(value.raw());
        }
        return value.raw();
    }

    static String maskUri(String uri) {
        return URI_PASSWORD.matcher(uri).replaceFirst("$1***@");
    }
}
