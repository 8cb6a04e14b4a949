package dev.todokube.api.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.mongodb.ConnectionString;
import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds an {@link ApiConfig} from, highest precedence first: the process environment, a .env file
 * (working directory, or ENV_FILE), config.yml (working directory, or CONFIG_FILE), built-in defaults.
 * The environment is passed in as a map so tests never touch the real one.
 */
public final class ConfigLoader {

    public static final String ENV_FILE = "ENV_FILE";
    public static final String CONFIG_FILE = "CONFIG_FILE";

    private final Map<String, String> environment;
    private final Path workingDirectory;

    private ConfigLoader(Map<String, String> environment, Path workingDirectory) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    }

    /** Loads from the real process environment and working directory. */
    public static ApiConfig fromProcess() {
        return load(System.getenv(), Path.of(""));
    }

    public static ApiConfig load(Map<String, String> environment, Path workingDirectory) {
        return new ConfigLoader(environment, workingDirectory).load();
    }

    private ApiConfig load() {
        Map<String, SourcedValue> dotEnv = readDotEnv();
        Map<String, SourcedValue> yaml = readConfigFile(dotEnv);
        Map<ConfigKey, SourcedValue> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            values.put(key, resolve(key, dotEnv, yaml, values));
        }
        return build(values, workingDirectory);
    }

    private SourcedValue resolve(ConfigKey key, Map<String, SourcedValue> dotEnv,
                                 Map<String, SourcedValue> yaml, Map<ConfigKey, SourcedValue> resolved) {
        String fromEnv = environment.get(key.name());
        if (fromEnv != null) {
            return new SourcedValue(key.name(), fromEnv, new Source.Environment());
        }
        if (dotEnv.containsKey(key.name())) {
            return dotEnv.get(key.name());
        }
        if (yaml.containsKey(key.name())) {
            return yaml.get(key.name());
        }
        if (key == ConfigKey.METRICS_HOST) {
            SourcedValue host = resolved.get(ConfigKey.SERVER_HOST);
            return new SourcedValue(key.name(), host.raw(), host.source());
        }
        return new SourcedValue(key.name(), key.defaultValue(), new Source.Default());
    }

    private Map<String, SourcedValue> readDotEnv() {
        String named = environment.get(ENV_FILE);
        Path file;
        if (named != null && !named.isBlank()) {
            file = workingDirectory.resolve(named).normalize();
            if (!Files.isRegularFile(file)) {
                throw new SourcedValue(ENV_FILE, named, new Source.Environment()).invalid("no such file " + file);
            }
        } else {
            file = workingDirectory.resolve(".env");
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(".env file " + file + ": not readable");
        }
        try {
            Dotenv dotenv = Dotenv.configure()
                    .directory(file.getParent().toString())
                    .filename(file.getFileName().toString())
                    .load();
            Map<String, SourcedValue> values = new HashMap<>();
            Source source = new Source.DotEnvFile(file);
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                values.put(entry.getKey(), new SourcedValue(entry.getKey(), entry.getValue(), source));
            }
            return values;
        } catch (DotenvException e) {
            throw new ConfigException(".env file " + file + ": " + e.getMessage(), e);
        }
    }

    private Map<String, SourcedValue> readConfigFile(Map<String, SourcedValue> dotEnv) {
        SourcedValue named = environment.containsKey(CONFIG_FILE)
                ? new SourcedValue(CONFIG_FILE, environment.get(CONFIG_FILE), new Source.Environment())
                : dotEnv.get(CONFIG_FILE);
        Path file;
        if (named != null && !named.raw().isBlank()) {
            file = workingDirectory.resolve(named.raw()).normalize();
            if (!Files.isRegularFile(file)) {
                throw named.invalid("no such file " + file);
            }
        } else {
            file = workingDirectory.resolve("config.yml");
            if (!Files.isRegularFile(file)) {
                return Map.of();
            }
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + ": line " + e.getLocation().getLineNr()
                    + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, SourcedValue> values = new HashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + ": expected a mapping such as 'server: {port: 8001}'");
        }
        Map<String, ConfigKey> byPath = new HashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            byPath.put(key.yamlPath(), key);
        }
        flatten(file, "", root, byPath, values);
        return values;
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<String, ConfigKey> byPath,
                                Map<String, SourcedValue> into) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            ConfigKey key = byPath.get(path);
            if (key == null && value.isObject()) {
                flatten(file, path, value, byPath, into);
            } else if (key == null) {
                throw new ConfigException("config file " + file + ": unknown key '" + path + "'; known keys: "
                        + String.join(", ", byPath.keySet().stream().sorted().toList()));
            } else {
                into.put(key.name(), new SourcedValue(key.name(), scalar(file, path, value),
                        new Source.ConfigFile(file, path)));
            }
        }
    }

    private static String scalar(Path file, String path, JsonNode value) {
        if (value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        if (value.isObject()) {
            throw new ConfigException("config file " + file + ": '" + path + "' must be a single value");
        }
        return value.asText();
    }

    private static ApiConfig build(Map<ConfigKey, SourcedValue> v, Path workingDirectory) {
        String serverType = v.get(ConfigKey.SERVER_TYPE).raw().trim();
        if (!serverType.equalsIgnoreCase("grpc")) {
            throw v.get(ConfigKey.SERVER_TYPE).invalid("unsupported server type; only grpc");
        }
        StoreType storeType = storeType(v.get(ConfigKey.DB_TYPE));
        String dbUri = v.get(ConfigKey.DB_URI).raw().trim();
        String dbHost = host(v.get(ConfigKey.DB_HOST));
        int dbPort = port(v.get(ConfigKey.DB_PORT));
        String mongoUri = dbUri.isEmpty() ? "mongodb://" + dbHost + ":" + dbPort : mongoUri(v.get(ConfigKey.DB_URI));
        String dbName = v.get(ConfigKey.DB_NAME).raw().trim();
        if (dbName.isEmpty() || dbName.matches(".*[/\\\\. \"$].*")) {
            throw v.get(ConfigKey.DB_NAME).invalid("not a valid MongoDB database name");
        }
        Duration dbTimeout = duration(v.get(ConfigKey.DB_TIMEOUT));
        if (dbTimeout.isZero()) {
            throw v.get(ConfigKey.DB_TIMEOUT).invalid("must be greater than zero");
        }
        return new ApiConfig(
                host(v.get(ConfigKey.SERVER_HOST)),
                port(v.get(ConfigKey.SERVER_PORT)),
                host(v.get(ConfigKey.METRICS_HOST)),
                port(v.get(ConfigKey.METRICS_PORT)),
                storeType,
                mongoUri,
                dbName,
                dbTimeout,
                dbPoolSize(v.get(ConfigKey.DB_POOL_SIZE)),
                positiveInt(v.get(ConfigKey.STORE_QUEUE_SIZE), "a queue size"),
                tokens(v.get(ConfigKey.AUTH_TOKENS)),
                tls(v.get(ConfigKey.TLS_CERT_FILE), v.get(ConfigKey.TLS_KEY_FILE), workingDirectory),
                duration(v.get(ConfigKey.SHUTDOWN_GRACE)),
                duration(v.get(ConfigKey.MAX_CONNECTION_AGE)),
                duration(v.get(ConfigKey.MAX_CONNECTION_AGE_GRACE)),
                positiveInt(v.get(ConfigKey.MAX_INBOUND_MESSAGE_SIZE), "a size in bytes"),
                duration(v.get(ConfigKey.MEMORY_STORE_DELAY)),
                List.copyOf(v.values()));
    }

    private static StoreType storeType(SourcedValue value) {
        switch (value.raw().trim().toLowerCase(Locale.ROOT)) {
            case "memory":
                return StoreType.MEMORY;
            case "mongo":
            case "mongodb":
                return StoreType.MONGO;
            default:
                throw value.invalid("unknown database type; expected memory or mongo");
        }
    }

    private static String host(SourcedValue value) {
        String host = value.raw().trim();
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
            throw value.invalid("not a host name or address");
        }
        return host;
    }

    private static int port(SourcedValue value) {
        try {
            int port = Integer.parseInt(value.raw().trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw value.invalid("not a port number (0-65535)");
    }

    /**
     * {@code auto}: 8 per processor the JVM sees (it follows the container's CPU quota). Each
     * connection costs a handshake (and with credentials an authentication) when it opens, which a
     * small CPU quota feels, and memory on the MongoDB server.
     */
    private static int dbPoolSize(SourcedValue value) {
        if (value.raw().trim().equalsIgnoreCase("auto")) {
            return 8 * Runtime.getRuntime().availableProcessors();
        }
        return positiveInt(value, "a connection count (or auto)");
    }

    private static int positiveInt(SourcedValue value, String what) {
        try {
            int n = Integer.parseInt(value.raw().trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw value.invalid("not " + what + " (a positive integer)");
    }

    /** The project's grammar ({@link Durations}): {@code 250ms}, {@code 1.5s}, {@code 90s}, {@code 1h30m}, or bare seconds. */
    static Duration duration(SourcedValue value) {
        try {
            return Durations.parse(value.raw());
        } catch (DurationFormatException e) {
            throw value.invalid(e.problem());
        }
    }

    private static String mongoUri(SourcedValue value) {
        String uri = value.raw().trim();
        try {
            new ConnectionString(uri);
            return uri;
        } catch (IllegalArgumentException e) {
            // The driver's message may quote the URI; say only what is wrong, never the password.
            throw new ConfigException(value.key() + "=\"" + ApiConfig.maskUri(uri) + "\" (from "
                    + value.source().describe() + "): not a MongoDB connection string: "
                    + ApiConfig.maskUri(e.getMessage()));
        }
    }

    private static List<String> tokens(SourcedValue value) {
        return Arrays.stream(value.raw().split(","))
                .map(String::trim)
                .filter(token -> !token.isEmpty())
                .toList();
    }

    private static Optional<TlsFiles> tls(SourcedValue cert, SourcedValue key, Path workingDirectory) {
        boolean hasCert = !cert.raw().isBlank();
        boolean hasKey = !key.raw().isBlank();
        if (!hasCert && !hasKey) {
            return Optional.empty();
        }
        if (!hasCert) {
            throw key.invalid("TLS_CERT_FILE must be set too");
        }
        if (!hasKey) {
            throw cert.invalid("TLS_KEY_FILE must be set too");
        }
        return Optional.of(new TlsFiles(readableFile(cert, workingDirectory), readableFile(key, workingDirectory)));
    }

    private static Path readableFile(SourcedValue value, Path workingDirectory) {
        Path file = workingDirectory.resolve(value.raw().trim()).normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw value.invalid("no readable file " + file);
        }
        return file;
    }
}
