package dev.todokube.experiment;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the other tools and Locust write them: {@code 250ms}, {@code 30s}, {@code 5m},
 * {@code 1h30m}, or bare seconds.
 */
final class DurationText {

    private static final Pattern WHOLE = Pattern.compile("\\d+|(\\d+(ms|h|m|s))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

    private DurationText() {
    }

    static Duration parse(String text) {
        String trimmed = text.trim();
        if (!WHOLE.matcher(trimmed).matches()) {
            throw new ExperimentException("invalid duration '" + text + "' (expected e.g. 250ms, 30s, 5m, 1h30m)");
        }
        if (trimmed.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Duration total = Duration.ZERO;
        Matcher part = PART.matcher(trimmed);
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            });
        }
        return total;
    }
}
