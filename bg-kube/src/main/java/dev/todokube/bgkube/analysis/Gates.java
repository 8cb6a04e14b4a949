package dev.todokube.bgkube.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The thresholds a target must meet; each gate is off when empty. The error ceiling is always on:
 * whatever the gates, a side that fails more calls than it allows fails the analysis, because
 * latency and throughput are taken over the calls that succeeded, and a side that fails most of
 * its calls has little of either left to judge.
 *
 * @param maxErrorRate largest fraction of failed calls, 0 to 1 (client side, and server side with metrics)
 * @param maxP99 largest 99th percentile latency of the OK calls (client side, and server side with metrics)
 * @param maxP99Ratio largest target p99 over baseline p99 (OK calls), both measured in the same run
 * @param minRps fewest OK calls per second at the target
 * @param errorCeiling largest fraction of failed calls of either side in any reading, 0 to 1
 */
public record Gates(Optional<Double> maxErrorRate, Optional<Duration> maxP99, Optional<Double> maxP99Ratio,
                    Optional<Double> minRps, double errorCeiling) {

    /** The error ceiling unless one is configured: 5% of the calls. */
    public static final double DEFAULT_ERROR_CEILING = 0.05;

    public Gates {
        Objects.requireNonNull(maxErrorRate);
        Objects.requireNonNull(maxP99);
        Objects.requireNonNull(maxP99Ratio);
        Objects.requireNonNull(minRps);
        maxErrorRate.filter(r -> !(r >= 0 && r <= 1)).ifPresent(r -> invalid("max error rate", r));
        maxP99.filter(d -> d.isNegative() || d.isZero()).ifPresent(d -> invalid("max p99", d));
        maxP99Ratio.filter(r -> !(r > 0) || r.isInfinite()).ifPresent(r -> invalid("max p99 ratio", r));
        minRps.filter(r -> !(r >= 0) || r.isInfinite()).ifPresent(r -> invalid("min rps", r));
        if (!(errorCeiling >= 0 && errorCeiling <= 1)) {
            invalid("error ceiling", errorCeiling);
        }
    }

    /** No gate; the default error ceiling. */
    public static Gates none() {
        return new Gates(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_ERROR_CEILING);
    }

    /** The same gates without the p99-ratio gate (there is no baseline to compare with). */
    public Gates withoutP99Ratio() {
        return new Gates(maxErrorRate, maxP99, Optional.empty(), minRps, errorCeiling);
    }

    /** No gate is set (the error ceiling alone decides nothing a publish would run an analysis for). */
    public boolean isEmpty() {
        return maxErrorRate.isEmpty() && maxP99.isEmpty() && maxP99Ratio.isEmpty() && minRps.isEmpty();
    }

    /**
     * Whether a reading with this error-rate gate on it still needs the ceiling checked: only when
     * the gate is looser than the ceiling, or absent.
     */
    boolean ceilingBeyondErrorGate() {
        return maxErrorRate.filter(max -> max <= errorCeiling).isEmpty();
    }

    /** One line per gate that is on, e.g. {@code p99 <= 250 ms}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        maxErrorRate.ifPresent(r -> lines.add("error rate <= " + Numbers.percent(r)));
        maxP99.ifPresent(d -> lines.add("p99 <= " + Numbers.millis(d.toNanos() / 1e6)));
        maxP99Ratio.ifPresent(r -> lines.add("p99 <= " + Numbers.plain(r) + " x the baseline's p99 in the same run"));
        minRps.ifPresent(r -> lines.add("throughput >= " + Numbers.plain(r) + " calls/s"));
        return lines;
    }

    /** The rules that hold whatever the gates, as one line. */
    public String describeCeiling() {
        return "error ceiling: either side failing more than " + Numbers.percent(errorCeiling) + " of its calls fails "
                + "the analysis; latency and throughput count OK calls only";
    }

    private static void invalid(String gate, Object value) {
        throw new IllegalArgumentException(gate + " out of range: " + value);
    }
}
