package dev.todokube.bgkube.analysis;

import java.time.Duration;
import java.util.Locale;

/** How figures are written in tables and plans: fixed decimals, no locale surprises. */
final class Numbers {

    private Numbers() {
    }

    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    }

    static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }

    static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f x", ratio);
    }

    /** A number as typed by a person: {@code 1.5}, {@code 10}, never {@code 10.0}. */
    static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.valueOf(value);
    }

    static String duration(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
