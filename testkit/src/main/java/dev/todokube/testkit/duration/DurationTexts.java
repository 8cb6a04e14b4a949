package dev.todokube.testkit.duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generated duration texts for property tests of every front end that takes a duration: about
 * half well-formed in the project's grammar (bare seconds, one unit, several units largest first,
 * with and without fractions, zero, the largest allowed), half near misses (units out of order or
 * repeated, signs, spaces inside, unknown or upper-case units, stray dots, overflow, empty).
 * The same seed gives the same texts, so a failure names a text that reproduces.
 */
public final class DurationTexts {

    private static final String[] UNITS = {"h", "m", "s", "ms"};
    private static final String[] FIXED = {"", " ", "0", "0s", "0ms", "1h30m", "250ms", "1.5s", "90s", "90", "2562047h",
        "2562048h", "9223372036.854775807s", "9223372036.854775808s", "0.0000000001s", "-5s", "+5s", "1.5.3s", "s30",
        "12parsecs", "1h 30m", "30m1h", "1s1s", ".5s", "5.s", "5S", "1d", "1e3s", "５s", "1h30", "1_000s"};
    private static final String[] NEAR_MISSES = {"-", "+", " ", ".", "..", "S", "H", "us", "d", "x", "_", "e2", "\t"};

    private DurationTexts() {
    }

    public static List<String> generate(long seed, int count) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(List.of(FIXED));
        while (texts.size() < count) {
            String wellFormed = wellFormed(random);
            texts.add(random.nextBoolean() ? wellFormed : nearMiss(random, wellFormed));
        }
        return texts.subList(0, count);
    }

    private static String wellFormed(Random random) {
        if (random.nextInt(5) == 0) {
            return amount(random);
        }
        StringBuilder text = new StringBuilder();
        for (String unit : UNITS) {
            if (random.nextInt(3) == 0) {
                text.append(amount(random)).append(unit);
            }
        }
        return text.isEmpty() ? amount(random) + UNITS[random.nextInt(UNITS.length)] : text.toString();
    }

    private static String amount(Random random) {
        String whole = switch (random.nextInt(6)) {
            case 0 -> "0";
            case 1 -> Integer.toString(random.nextInt(10));
            case 2 -> Integer.toString(random.nextInt(1000));
            case 3 -> Long.toString(random.nextLong() & Long.MAX_VALUE);
            default -> Integer.toString(random.nextInt(100_000));
        };
        return random.nextInt(3) == 0 ? whole + "." + random.nextInt(1_000_000) : whole;
    }

    private static String nearMiss(Random random, String wellFormed) {
        return switch (random.nextInt(4)) {
            case 0 -> NEAR_MISSES[random.nextInt(NEAR_MISSES.length)] + wellFormed;
            case 1 -> wellFormed + NEAR_MISSES[random.nextInt(NEAR_MISSES.length)];
            case 2 -> wellFormed(random) + wellFormed;
            default -> {
                int at = random.nextInt(wellFormed.length() + 1);
                yield wellFormed.substring(0, at) + NEAR_MISSES[random.nextInt(NEAR_MISSES.length)]
                        + wellFormed.substring(at);
            }
        };
    }
}
