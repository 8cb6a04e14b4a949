package dev.todokube.duration;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every todokube option, setting and env entry:
 * <ul>
 *   <li>amounts with units, largest unit first, each unit at most once: {@code 250ms}, {@code 1.5s},
 *       {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 2m0.5s};</li>
 *   <li>or a bare number of seconds: {@code 90}, {@code 1.5}.</li>
 * </ul>
 * Units are {@code h}, {@code m}, {@code s} and {@code ms}; an amount is digits with an optional
 * fraction. Zero is a duration (whether it is allowed is the caller's rule); negative durations,
 * more than {@link #MAX} and anything finer than a nanosecond are not.
 */
public final class Durations {

    /** The longest duration: what fits in a long of nanoseconds (about 292 years), so any API can take it. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

    private static final String AMOUNT = "(\\d+(?:\\.\\d+)?)";
    private static final Pattern BARE_SECONDS = Pattern.compile(AMOUNT);
    private static final Pattern UNITS_IN_ORDER =
            Pattern.compile("(?:" + AMOUNT + "h)?(?:" + AMOUNT + "m)?(?:" + AMOUNT + "s)?(?:" + AMOUNT + "ms)?");
    private static final Pattern UNITS_IN_ANY_ORDER = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|h|m|s))+");
    private static final long[] NANOS_PER_UNIT = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};

    private Durations() {
    }

    /**
     * Reads a duration; surrounding whitespace is ignored.
     *
     * @throws DurationFormatException saying what is wrong with {@code text}; callers add which
     *     option, key or file it came from
     */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new DurationFormatException(text, "it is empty");
        }
        if (trimmed.startsWith("-")) {
            throw new DurationFormatException(text, "negative durations are not allowed");
        }
        if (BARE_SECONDS.matcher(trimmed).matches()) {
            return Duration.ofNanos(nanos(text, trimmed, NANOS_PER_UNIT[2]));
        }
        Matcher units = UNITS_IN_ORDER.matcher(trimmed);
        if (!units.matches()) {
            throw new DurationFormatException(text, UNITS_IN_ANY_ORDER.matcher(trimmed).matches()
                    ? "units go from h to m to s to ms, each at most once (e.g. 1h30m)" : "");
        }
        long nanos = 0;
        for (int unit = 0; unit < NANOS_PER_UNIT.length; unit++) {
            String amount = units.group(unit + 1);
            if (amount != null) {
                nanos = add(text, nanos, nanos(text, amount, NANOS_PER_UNIT[unit]));
            }
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * Writes a duration so that {@link #parse} reads back exactly the same: whole seconds as
     * {@code 90s}, whole milliseconds as {@code 1500ms}, anything finer as decimal seconds.
     *
     * @throws IllegalArgumentException for a negative duration or one longer than {@link #MAX}
     */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("cannot write " + duration + ": durations go from 0 to " + MAX);
        }
        if (duration.getNano() == 0) {
            return duration.getSeconds() + "s";
        }
        if (duration.getNano() % 1_000_000 == 0) {
            return duration.toMillis() + "ms";
        }
        String fraction = String.format("%09d", duration.getNano());
        return duration.getSeconds() + "." + fraction.replaceFirst("0+$", "") + "s";
    }

    /*
     * Exact arithmetic in longs. (BigDecimal would be simpler, but its class initialisation alone
     * costs a new pod in a 100m CPU quota about a tenth of a second before its first answer.)
     */

    /** An amount ({@code 12} or {@code 1.25}) of a unit, in nanoseconds. */
    private static long nanos(String text, String amount, long nanosPerUnit) {
        int dot = amount.indexOf('.');
        String whole = dot < 0 ? amount : amount.substring(0, dot);
        String fraction = dot < 0 ? "" : amount.substring(dot + 1).replaceFirst("0+$", "");
        long nanos;
        try {
            nanos = Math.multiplyExact(Long.parseLong(whole), nanosPerUnit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw tooLong(text);
        }
        if (fraction.isEmpty()) {
            return nanos;
        }
        // fraction / 10^digits of a unit is whole nanoseconds only if 10^digits divides fraction x
        // nanosPerUnit; no unit has more than 13 factors of 2 or of 5, so more digits never do.
        if (fraction.length() > 13) {
            throw finerThanANanosecond(text);
        }
        long digits = Long.parseLong(fraction);
        long scale = LongMath.pow10(fraction.length());
        long common = LongMath.gcd(nanosPerUnit, scale);
        long divisor = scale / common;
        if (digits % divisor != 0) {
            throw finerThanANanosecond(text);
        }
        return add(text, nanos, (digits / divisor) * (nanosPerUnit / common));
    }

    private static long add(String text, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw tooLong(text);
        }
    }

    private static DurationFormatException tooLong(String text) {
        return new DurationFormatException(text, "it is longer than the most allowed, "
                + MAX.toHours() + "h (about 292 years)");
    }

    private static DurationFormatException finerThanANanosecond(String text) {
        return new DurationFormatException(text, "it is finer than a nanosecond");
    }

    private static final class LongMath {
        private LongMath() {
        }

        static long pow10(int exponent) {
            long result = 1;
            for (int i = 0; i < exponent; i++) {
                result *= 10;
            }
            return result;
        }

        static long gcd(long a, long b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
