package dev.todokube.bgkube.config;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.AnalysisToken;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds {@link AnalysisSettings} from {@code analyze}'s options and the env file's {@code ANALYSIS_*}
 * keys (an option wins). Every value is checked here, so a bad one stops the command before it
 * touches anything, with the option or key, the file and what was expected.
 */
public final class AnalysisSettingsLoader {

    private static final String PREFIX = "ANALYSIS_";
    /** The variable of bg-kube's own environment a token is read from: never a command line or an env file. */
    public static final String TOKEN_VARIABLE = "ANALYSIS_TOKEN";

    private AnalysisSettingsLoader() {
    }

    private record Value(String text, String origin) {
    }

    /** As {@link #load(Map, Map, String, Map)} with this process's environment. */
    public static AnalysisSettings load(Map<AnalysisKey, String> flags, Map<String, String> fileEntries,
                                        String fileName) {
        return load(flags, fileEntries, fileName, System.getenv());
    }

    /**
     * @param flags values given as options of {@code analyze}
     * @param fileEntries the env file's entries (all of them; only {@code ANALYSIS_*} keys are read)
     * @param fileName the env file's name, for messages
     * @param environment bg-kube's own environment, where {@value #TOKEN_VARIABLE} may be
     */
    public static AnalysisSettings load(Map<AnalysisKey, String> flags, Map<String, String> fileEntries,
                                        String fileName, Map<String, String> environment) {
        if (fileEntries.containsKey(TOKEN_VARIABLE)) {
            throw new ConfigurationException(TOKEN_VARIABLE + " in " + fileName + ": a token does not belong in an env "
                    + "file (every command reads it, and it is usually committed): export " + TOKEN_VARIABLE
                    + " in the shell that runs bg-kube, or put the token in a file named by "
                    + AnalysisKey.TOKEN_FILE.envName());
        }
        for (String key : fileEntries.keySet()) {
            if (key.startsWith(PREFIX) && Arrays.stream(AnalysisKey.values()).noneMatch(k -> k.envName().equals(key))) {
                throw new ConfigurationException(key + " in " + fileName + ": unknown analysis key; the known ones are "
                        + Arrays.stream(AnalysisKey.values()).map(AnalysisKey::envName).collect(Collectors.joining(", ")));
            }
        }
        Map<AnalysisKey, Value> values = new EnumMap<>(AnalysisKey.class);
        for (AnalysisKey key : AnalysisKey.values()) {
            String flag = flags.get(key);
            String fromFile = fileEntries.get(key.envName());
            if (flag != null) {
                values.put(key, new Value(flag.strip(), key.flag()));
            } else if (fromFile != null && !fromFile.isBlank()) {
                values.put(key, new Value(fromFile.strip(), key.envName() + " in " + fileName));
            }
        }
        Gates gates = new Gates(
                Optional.ofNullable(values.get(AnalysisKey.MAX_ERROR_RATE)).map(AnalysisSettingsLoader::errorRate),
                Optional.ofNullable(values.get(AnalysisKey.MAX_P99)).map(v -> positiveDuration(AnalysisKey.MAX_P99, v)),
                Optional.ofNullable(values.get(AnalysisKey.MAX_P99_RATIO)).map(AnalysisSettingsLoader::ratio),
                Optional.ofNullable(values.get(AnalysisKey.MIN_RPS)).map(AnalysisSettingsLoader::minRps),
                Optional.ofNullable(values.get(AnalysisKey.ERROR_CEILING)).map(AnalysisSettingsLoader::errorRate)
                        .orElse(Gates.DEFAULT_ERROR_CEILING));
        if (gates.isEmpty()) {
            values.entrySet().stream()
                    .filter(e -> !e.getKey().location() && !e.getValue().origin().startsWith("--"))
                    .findFirst()
                    .ifPresent(e -> {
                        throw new ConfigurationException(e.getValue().origin() + " is set but no gate is ("
                                + Arrays.stream(AnalysisKey.values()).filter(AnalysisKey::gate)
                                        .map(AnalysisKey::envName).collect(Collectors.joining(", "))
                                + "): the analysis would decide nothing");
                    });
        }
        Duration duration = Optional.ofNullable(values.get(AnalysisKey.DURATION))
                .map(v -> positiveDuration(AnalysisKey.DURATION, v)).orElse(LoadShape.DEFAULT_DURATION);
        int users = Optional.ofNullable(values.get(AnalysisKey.USERS)).map(AnalysisSettingsLoader::users)
                .orElse(LoadShape.DEFAULT_USERS);
        double spawnRate = Optional.ofNullable(values.get(AnalysisKey.SPAWN_RATE))
                .map(AnalysisSettingsLoader::spawnRate).orElse((double) users);
        String tasks = Optional.ofNullable(values.get(AnalysisKey.TASKS)).map(AnalysisSettingsLoader::tasks)
                .orElse(LoadShape.DEFAULT_TASKS);
        Optional<String> waitTime = Optional.ofNullable(values.get(AnalysisKey.WAIT_TIME)).map(Value::text);
        Duration warmUp = Optional.ofNullable(values.get(AnalysisKey.WARM_UP))
                .map(v -> duration(AnalysisKey.WARM_UP, v)).orElse(LoadShape.DEFAULT_WARM_UP);
        Optional<Duration> deadline = Optional.ofNullable(values.get(AnalysisKey.DEADLINE))
                .map(v -> positiveDuration(AnalysisKey.DEADLINE, v));
        Optional<Path> loadtestJar = Optional.ofNullable(values.get(AnalysisKey.LOADTEST_JAR))
                .map(AnalysisSettingsLoader::existingFile);
        Optional<Duration> watch = Optional.ofNullable(values.get(AnalysisKey.WATCH))
                .map(v -> positiveDuration(AnalysisKey.WATCH, v));
        if (watch.isPresent() && gates.maxErrorRate().isEmpty() && gates.maxP99().isEmpty()) {
            Value value = values.get(AnalysisKey.WATCH);
            throw new ConfigurationException(value.origin() + " needs " + AnalysisKey.MAX_ERROR_RATE.envName() + " or "
                    + AnalysisKey.MAX_P99.envName() + ": the watch checks the service's own error rate and p99");
        }
        if (watch.isEmpty() && values.containsKey(AnalysisKey.WATCH_BLIND)) {
            throw new ConfigurationException(values.get(AnalysisKey.WATCH_BLIND).origin() + " is set but "
                    + AnalysisKey.WATCH.envName() + " is not: it says what the post-promotion watch does when blind");
        }
        AnalysisSettings.WatchBlind watchBlind = Optional.ofNullable(values.get(AnalysisKey.WATCH_BLIND))
                .map(AnalysisSettingsLoader::watchBlind).orElse(AnalysisSettings.WatchBlind.SWAP_BACK);
        Optional<AnalysisToken> token = Optional.ofNullable(values.get(AnalysisKey.TOKEN_FILE))
                .map(AnalysisSettingsLoader::tokenFile)
                .or(() -> Optional.ofNullable(environment.get(TOKEN_VARIABLE)).filter(t -> !t.isBlank())
                        .map(t -> new AnalysisToken(t.strip(), "the " + TOKEN_VARIABLE + " environment variable")));
        return new AnalysisSettings(new LoadShape(duration, users, spawnRate, tasks, waitTime, warmUp, deadline), gates,
                watch, watchBlind, loadtestJar, token);
    }

    private static AnalysisSettings.WatchBlind watchBlind(Value value) {
        return switch (value.text()) {
            case "swap-back" -> AnalysisSettings.WatchBlind.SWAP_BACK;
            case "hold" -> AnalysisSettings.WatchBlind.HOLD;
            default -> throw invalid(value, "swap-back or hold");
        };
    }

    /** The first line of the file the value names, stripped. */
    private static AnalysisToken tokenFile(Value value) {
        Path file = Path.of(value.text());
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw invalid(value, "a readable file whose first line is the token");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException(value.origin() + ": cannot read " + file + ": " + e, e);
        }
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.isEmpty()) {
            throw new ConfigurationException(value.origin() + ": the first line of " + file + " is empty: it should be "
                    + "the token");
        }
        return new AnalysisToken(token, file + " (" + value.origin() + ")");
    }

    private static Path existingFile(Value value) {
        Path file = Path.of(value.text());
        if (!Files.isRegularFile(file)) {
            throw invalid(value, "an existing file");
        }
        return file;
    }

    private static double errorRate(Value value) {
        String text = value.text();
        boolean percent = text.endsWith("%");
        double rate = number(value, percent ? text.substring(0, text.length() - 1).strip() : text,
                "a share of failed calls between 0 and 1 (0.01) or a percentage (1%)");
        rate = percent ? rate / 100 : rate;
        if (!(rate >= 0 && rate <= 1)) {
            throw invalid(value, "a share of failed calls between 0 and 1 (0.01) or a percentage (1%)");
        }
        return rate;
    }

    private static double ratio(Value value) {
        double ratio = number(value, value.text(), "a positive number such as 1.2");
        if (!(ratio > 0)) {
            throw invalid(value, "a positive number such as 1.2");
        }
        return ratio;
    }

    private static double minRps(Value value) {
        double rps = number(value, value.text(), "a number of calls per second, 0 or more");
        if (!(rps >= 0)) {
            throw invalid(value, "a number of calls per second, 0 or more");
        }
        return rps;
    }

    private static int users(Value value) {
        try {
            int users = Integer.parseInt(value.text());
            if (users >= 1) {
                return users;
            }
        } catch (NumberFormatException e) {
            // Reported below with what was expected.
        }
        throw invalid(value, "a whole number of users, 1 or more");
    }

    private static double spawnRate(Value value) {
        double rate = number(value, value.text(), "a positive number of users per second");
        if (!(rate > 0)) {
            throw invalid(value, "a positive number of users per second");
        }
        return rate;
    }

    /** The load generator checks the task names; here only the shape, so a typo fails before any load. */
    private static String tasks(Value value) {
        if (!value.text().matches("[A-Za-z]+=\\d+(\\s*,\\s*[A-Za-z]+=\\d+)*")) {
            throw invalid(value, "RPC=WEIGHT pairs separated by commas, e.g. GetTodos=5,ListTodos=1");
        }
        return value.text().replace(" ", "");
    }

    private static Duration positiveDuration(AnalysisKey key, Value value) {
        Duration duration = duration(key, value);
        if (duration.isZero()) {
            throw invalid(value, "a duration greater than zero");
        }
        return duration;
    }

    private static Duration duration(AnalysisKey key, Value value) {
        return SettingsLoader.parseDuration(value.text())
                .orElseThrow(() -> invalid(value, "a duration such as " + (key == AnalysisKey.MAX_P99 ? "250ms or 1s"
                        : "30s, 2m or 500ms")));
    }

    private static double number(Value value, String text, String expectation) {
        try {
            double number = Double.parseDouble(text);
            if (Double.isFinite(number) && !text.toLowerCase(Locale.ROOT).matches(".*[a-z].*")) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with what was expected.
        }
        throw invalid(value, expectation);
    }

    private static ConfigurationException invalid(Value value, String expectation) {
        return new ConfigurationException(value.origin() + ": invalid value '" + value.text() + "': expected " + expectation);
    }
}
