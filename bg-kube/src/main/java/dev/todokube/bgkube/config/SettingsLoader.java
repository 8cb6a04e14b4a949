package dev.todokube.bgkube.config;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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

/** Builds {@link Settings} from flags and an env file: a flag wins, then the file, then the default. */
public final class SettingsLoader {

    private SettingsLoader() {}

    /** One resolved value and where it came from, for error messages. */
    private record Value(String text, String origin) {}

    /**
     * @param flags option values given on the command line
     * @param envFile the env file, if any; it must exist when given
     */
    public static Settings load(Map<Option, String> flags, Optional<Path> envFile) {
        Map<String, String> fileEntries = envFile.map(SettingsLoader::readEnvFile).orElse(Map.of());
        String fileName = envFile.map(Path::toString).orElse("");

        Map<Option, Value> values = new EnumMap<>(Option.class);
        List<String> missing = new ArrayList<>();
        for (Option option : Option.values()) {
            String flag = flags.get(option);
            String fromFile = fileEntries.get(option.envName());
            if (flag != null) {
                values.put(option, new Value(flag, option.flag()));
            } else if (fromFile != null && !fromFile.isEmpty()) {
                values.put(option, new Value(fromFile, option.envName() + " in " + fileName));
            } else if (option.defaultValue().isPresent()) {
                values.put(option, new Value(option.defaultValue().get(), "default of " + option.flag()));
            } else if (option.required()) {
                missing.add(option.flag() + " (" + option.envName() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("missing required option" + (missing.size() > 1 ? "s" : "") + ": "
                    + String.join(", ", missing)
                    + envFile.map(f -> "; give them as flags or in " + f).orElse("; give them as flags or in an --env-file"));
        }

        Map<String, String> variables = new HashMap<>(fileEntries);
        flags.forEach((option, value) -> variables.put(option.envName(), value));
        Resolved r = new Resolved(values);

        Settings.BuilderKind builder = switch (r.text(Option.BUILDER).toLowerCase(Locale.ROOT)) {
            case "docker" -> Settings.BuilderKind.DOCKER;
            case "jib" -> Settings.BuilderKind.JIB;
            default -> throw r.invalid(Option.BUILDER, "expected docker or jib");
        };
        if (builder == Settings.BuilderKind.JIB && r.optional(Option.JIB_APP).isEmpty()) {
            throw new ConfigurationException("--builder jib needs --jib-app (JIB_APP): a runnable jar or a classes directory");
        }
        return new Settings(
                envFile,
                variables,
                r.text(Option.CLUSTER_NAME),
                r.text(Option.CLUSTER_ZONE),
                r.optional(Option.DOCKER_MACHINE_NAME),
                r.optional(Option.MINIKUBE_PROFILE),
                r.words(Option.DOCKER_BUILD_ARGS),
                r.text(Option.IMAGE_NAME),
                r.text(Option.SERVICE_NAME),
                r.path(Option.SERVICE_CONFIG),
                r.duration(Option.SERVICE_TIMEOUT),
                r.path(Option.DEPLOYMENT_CONFIG),
                r.duration(Option.DEPLOYMENT_TIMEOUT),
                r.path(Option.CONTEXT),
                r.path(Option.DOCKERFILE),
                r.optional(Option.SMOKE_SERVICE_CONFIG).map(Path::of),
                r.duration(Option.SMOKE_SERVICE_TIMEOUT),
                r.optional(Option.SMOKE_TESTS_COMMAND),
                r.optional(Option.DB_MIGRATIONS_JOB_CONFIG_SEED).map(Path::of),
                r.duration(Option.DB_MIGRATIONS_JOB_TIMEOUT),
                r.optional(Option.DB_MIGRATIONS_STATUS_COMMAND),
                r.optional(Option.DB_MIGRATIONS_APPLY_COMMAND),
                r.optional(Option.DB_MIGRATIONS_ROLLBACK_COMMAND),
                r.optional(Option.KOPS_STATE_STORE),
                r.text(Option.CONTAINER_REGISTRY),
                r.optional(Option.NAMESPACE),
                r.optional(Option.KUBE_CONTEXT),
                r.optional(Option.HPA_CONFIG).map(Path::of),
                r.list(Option.EXTRA_CONFIGS).stream().map(Path::of).toList(),
                r.duration(Option.COMMAND_TIMEOUT),
                r.optional(Option.SCALE_DOWN_DELAY).map(text -> r.duration(Option.SCALE_DOWN_DELAY)),
                builder,
                r.optional(Option.JIB_APP).map(Path::of),
                r.optional(Option.JIB_LIBS).map(Path::of),
                r.optional(Option.JIB_MAIN_CLASS),
                r.optional(Option.JIB_LAUNCHER).map(Path::of),
                r.text(Option.JIB_BASE_IMAGE),
                r.bool(Option.INSECURE_REGISTRY),
                AnalysisSettingsLoader.load(Map.of(), fileEntries, fileName));
    }

    /** The analysis settings alone, for {@code analyze}: its options, then the env file's ANALYSIS_* keys. */
    public static AnalysisSettings loadAnalysis(Map<AnalysisKey, String> flags, Optional<Path> envFile) {
        Map<String, String> fileEntries = envFile.map(SettingsLoader::readEnvFile).orElse(Map.of());
        return AnalysisSettingsLoader.load(flags, fileEntries, envFile.map(Path::toString).orElse(""));
    }

    private static Map<String, String> readEnvFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("env file " + file + " does not exist");
        }
        try {
            Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConfigurationException("env file " + file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read env file " + file + ": " + e.getMessage(), e);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Dotenv dotenv = Dotenv.configure()
                    .directory(parent.toString())
                    .filename(file.getFileName().toString())
                    .load();
            Map<String, String> entries = new HashMap<>();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                entries.put(entry.getKey(), entry.getValue());
            }
            return entries;
        } catch (DotenvException e) {
            throw new ConfigurationException("env file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a duration in the project's grammar ({@link Durations}): {@code 250ms}, {@code 1.5s},
     * {@code 90s}, {@code 1h30m}, or a bare number of seconds; empty when the text is not one.
     */
    public static Optional<Duration> parseDuration(String text) {
        try {
            return Optional.of(Durations.parse(text));
        } catch (DurationFormatException e) {
            return Optional.empty();
        }
    }

    private record Resolved(Map<Option, Value> values) {

        String text(Option option) {
            return values.get(option).text();
        }

        Optional<String> optional(Option option) {
            return Optional.ofNullable(values.get(option)).map(Value::text).filter(s -> !s.isBlank());
        }

        Path path(Option option) {
            return Path.of(text(option));
        }

        List<String> list(Option option) {
            return Arrays.stream(text(option).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        /** Split on whitespace, as the original split DOCKER_BUILD_ARGS. */
        List<String> words(Option option) {
            return Arrays.stream(text(option).strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }

        Duration duration(Option option) {
            try {
                return Durations.parse(text(option));
            } catch (DurationFormatException e) {
                throw invalid(option, "expected a duration such as 120, 120s, 2m or 500ms"
                        + e.detail().map(detail -> "; " + detail).orElse(""));
            }
        }

        boolean bool(Option option) {
            return switch (text(option).strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0", "" -> false;
                default -> throw invalid(option, "expected true or false");
            };
        }

        ConfigurationException invalid(Option option, String expectation) {
            Value value = values.get(option);
            return new ConfigurationException(option.flag() + ": invalid value '" + value.text() + "' (from "
                    + value.origin() + "): " + expectation);
        }
    }
}
