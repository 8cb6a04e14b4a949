package dev.todokube.bgkube.analysis;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One analysis: the same load at the target and, when there is one, at the baseline, side by side;
 * optionally the service's own metrics of each side; and the gates the target must meet.
 *
 * @param target the target's {@code HOST:PORT} addresses (load is spread round-robin over them)
 * @param baseline the baseline's addresses; empty for none
 * @param targetMetrics Prometheus text endpoints of the target's replicas; empty for none
 * @param baselineMetrics the same for the baseline
 * @param prometheus a Prometheus server holding the same counters, and which targets are which side
 */
public record AnalysisPlan(List<String> target, List<String> baseline, LoadShape shape, Gates gates,
                           List<URI> targetMetrics, List<URI> baselineMetrics, Optional<PrometheusSides> prometheus) {

    /**
     * The sides' counters in a Prometheus server.
     *
     * @param server its base URL, e.g. {@code http://prometheus:9090}
     * @param targetSelector label matchers choosing the target's scrape targets, e.g. {@code job="todo-api",color="green"}
     * @param baselineSelector the same for the baseline; empty for none
     */
    public record PrometheusSides(URI server, String targetSelector, Optional<String> baselineSelector) {

        public PrometheusSides {
            Objects.requireNonNull(server);
            targetSelector = PrometheusSource.matchers(targetSelector);
            baselineSelector = baselineSelector.map(PrometheusSource::matchers);
            if (targetSelector.isBlank() || baselineSelector.filter(String::isBlank).isPresent()) {
                throw new IllegalArgumentException("a Prometheus selector needs at least one label matcher");
            }
        }
    }

    /** A plan without Prometheus. */
    public AnalysisPlan(List<String> target, List<String> baseline, LoadShape shape, Gates gates,
                        List<URI> targetMetrics, List<URI> baselineMetrics) {
        this(target, baseline, shape, gates, targetMetrics, baselineMetrics, Optional.empty());
    }

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
        Objects.requireNonNull(prometheus);
        if (baseline.isEmpty() && prometheus.flatMap(PrometheusSides::baselineSelector).isPresent()) {
            throw new IllegalArgumentException("a baseline Prometheus selector without a baseline");
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
                .append(targetMetrics.isEmpty() ? "" : ", metrics " + join(targetMetrics))
                .append(prometheus.map(p -> ", Prometheus {" + p.targetSelector() + "}").orElse("")).append('\n');
        if (hasBaseline()) {
            text.append("  baseline ").append(String.join(",", baseline))
                    .append(baselineMetrics.isEmpty() ? "" : ", metrics " + join(baselineMetrics))
                    .append(prometheus.flatMap(PrometheusSides::baselineSelector).map(s -> ", Prometheus {" + s + "}")
                            .orElse(""))
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
            prometheus.ifPresent(p -> text.append("  the error-rate and p99 gates also apply to the same counters in ")
                    .append("Prometheus ").append(p.server()).append(" over the window\n"));
        }
        return text.toString();
    }

    private static String join(List<URI> uris) {
        return uris.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
