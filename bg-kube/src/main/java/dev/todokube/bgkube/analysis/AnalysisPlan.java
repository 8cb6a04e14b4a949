package dev.todokube.bgkube.analysis;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One analysis: the same load at the target and, when there is one, at the baseline, side by side;
 * optionally the service's own metrics of each side; and the gates the target must meet.
 *
 * @param target the target's {@code HOST:PORT} addresses (load is spread round-robin over them)
 * @param baseline the baseline's addresses; empty for none
 * @param targetMetrics Prometheus text endpoints of the target's replicas; empty for none
 * @param baselineMetrics the same for the baseline
 */
public record AnalysisPlan(List<String> target, List<String> baseline, LoadShape shape, Gates gates,
                           List<URI> targetMetrics, List<URI> baselineMetrics) {

    public AnalysisPlan {
        target = List.copyOf(target);
        baseline = List.copyOf(baseline);
        Objects.requireNonNull(shape);
        Objects.requireNonNull(gates);
        targetMetrics = List.copyOf(targetMetrics);
        baselineMetrics = List.copyOf(baselineMetrics);
        if (target.isEmpty()) {
            throw new IllegalArgumentException("an analysis needs a target");
        }
        if (baseline.isEmpty() && !baselineMetrics.isEmpty()) {
            throw new IllegalArgumentException("baseline metrics without a baseline");
        }
    }

    public boolean hasBaseline() {
        return !baseline.isEmpty();
    }

    /** The plan as lines a person reads before the run (dry runs print it). */
    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("analysis: ").append(shape.describe()).append('\n');
        text.append("  target   ").append(String.join(",", target))
                .append(targetMetrics.isEmpty() ? "" : ", metrics " + join(targetMetrics)).append('\n');
        if (hasBaseline()) {
            text.append("  baseline ").append(String.join(",", baseline))
                    .append(baselineMetrics.isEmpty() ? "" : ", metrics " + join(baselineMetrics))
                    .append(" (same load, at the same time)\n");
        } else {
            text.append("  no baseline\n");
        }
        if (gates.isEmpty()) {
            text.append("  gates: none (the verdict only reports)\n");
        } else {
            gates.describe().forEach(gate -> text.append("  gate: ").append(gate).append('\n'));
            if (!targetMetrics.isEmpty()) {
                text.append("  the error-rate and p99 gates also apply to the target's own metrics over the window\n");
            }
        }
        return text.toString();
    }

    private static String join(List<URI> uris) {
        return uris.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
