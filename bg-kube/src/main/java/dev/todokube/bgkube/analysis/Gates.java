package dev.todokube.bgkube.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The thresholds a target must meet; each is off when empty.
 *
 * @param maxErrorRate largest fraction of failed calls, 0 to 1 (client side, and server side with metrics)
 * @param maxP99 largest 99th percentile latency (client side, and server side with metrics)
 * @param maxP99Ratio largest target p99 over baseline p99, both measured in the same run
 * @param minRps fewest completed calls per second at the target
 */
public record Gates(Optional<Double> maxErrorRate, Optional<Duration> maxP99, Optional<Double> maxP99Ratio,
                    Optional<Double> minRps) {

    public Gates {
        Objects.requireNonNull(maxErrorRate);
        Objects.requireNonNull(maxP99);
        Objects.requireNonNull(maxP99Ratio);
        Objects.requireNonNull(minRps);
        maxErrorRate.filter(r -> !(r >= 0 && r <= 1)).ifPresent(r -> invalid("max error rate", r));
        maxP99.filter(d -> d.isNegative() || d.isZero()).ifPresent(d -> invalid("max p99", d));
        maxP99Ratio.filter(r -> !(r > 0) || r.isInfinite()).ifPresent(r -> invalid("max p99 ratio", r));
        minRps.filter(r -> !(r >= 0) || r.isInfinite()).ifPresent(r -> invalid("min rps", r));
    }

    public static Gates none() {
        return new Gates(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return maxErrorRate.isEmpty() && maxP99.isEmpty() && maxP99Ratio.isEmpty() && minRps.isEmpty();
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

    private static void invalid(String gate, Object value) {
        throw new IllegalArgumentException(gate + " out of range: " + value);
    }
}
