package dev.todokube.bgkube.config;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
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

    private AnalysisSettingsLoader() {
    }

    private record Value(String text, String origin) {
    }

    /**
     * @param flags values given as options of {@code analyze}
     * @param fileEntries the env file's entries (all of them; only {@code ANALYSIS_*} keys are read)
     * @param fileName the env file's name, for messages
     */
    public static AnalysisSettings load(Map<AnalysisKey, String> flags, Map<String, String> fileEntries,
                                        String fileName) {
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
                Optional.ofNullable(values.get(AnalysisKey.MIN_RPS)).map(AnalysisSettingsLoader::minRps));
        if (gates.isEmpty()) {
            values.entrySet().stream()
                    .filter(e -> e.getKey() != AnalysisKey.LOADTEST_JAR && !e.getValue().origin().startsWith("--"))
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
                .map(v -> duration(AnalysisKey.WARM_UP, v)).orElse(Duration.ZERO);
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
        return new AnalysisSettings(new LoadShape(duration, users, spawnRate, tasks, waitTime, warmUp, deadline), gates,
                watch, watchBlind, loadtestJar);
    }

    private static AnalysisSettings.WatchBlind watchBlind(Value value) {
        return switch (value.text()) {
            case "swap-back" -> AnalysisSettings.WatchBlind.SWAP_BACK;
            case "hold" -> AnalysisSettings.WatchBlind.HOLD;
            default -> throw invalid(value, "swap-back or hold");
        };
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
