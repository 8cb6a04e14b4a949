package dev.todokube.bgkube.analysis;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One analysis: the same load at the target and, when there is one, at the baseline, side by side;
 * optionally the service's own metrics of each side; the gates the target must meet; the token
 * both sides are called with; and how each side is reached, when the caller knows.
 *
 * @param target the target's {@code HOST:PORT} addresses (load is spread round-robin over them)
 * @param baseline the baseline's addresses; empty for none
 * @param targetMetrics Prometheus text endpoints of the target's replicas; empty for none
 * @param baselineMetrics the same for the baseline
 * @param prometheus a Prometheus server holding the same counters, and which targets are which side
 * @param token the bearer token of every call; empty for none
 * @param routes how the target and the baseline are reached (a publish knows: port-forwards or
 *     Services); empty when the addresses are all there is to say
 */
public record AnalysisPlan(List<String> target, List<String> baseline, LoadShape shape, Gates gates,
                           List<URI> targetMetrics, List<URI> baselineMetrics, Optional<PrometheusSides> prometheus,
                           Optional<AnalysisToken> token, Optional<Routes> routes) {

    /** How each side is reached; the baseline's is empty without a baseline. */
    public record Routes(Route target, Optional<Route> baseline) {

        public Routes {
            Objects.requireNonNull(target);
            Objects.requireNonNull(baseline);
        }

        /** Whether both sides went the same kind of way (true without a baseline: nothing to compare). */
        public boolean alike() {
            return baseline.map(target::sameKindAs).orElse(true);
        }
    }

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

    /** A plan without Prometheus, token or routes. */
    public AnalysisPlan(List<String> target, List<String> baseline, LoadShape shape, Gates gates,
                        List<URI> targetMetrics, List<URI> baselineMetrics) {
        this(target, baseline, shape, gates, targetMetrics, baselineMetrics, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** This plan, its calls sent with the token (none when empty). */
    public AnalysisPlan withToken(Optional<AnalysisToken> newToken) {
        return new AnalysisPlan(target, baseline, shape, gates, targetMetrics, baselineMetrics, prometheus, newToken,
                routes);
    }

    /** This plan with how each side is reached, for the verdict table. */
    public AnalysisPlan withRoutes(Routes newRoutes) {
        return new AnalysisPlan(target, baseline, shape, gates, targetMetrics, baselineMetrics, prometheus, token,
                Optional.of(newRoutes));
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
        Objects.requireNonNull(token);
        Objects.requireNonNull(routes);
        if (baseline.isEmpty() && routes.flatMap(Routes::baseline).isPresent()) {
            throw new IllegalArgumentException("a baseline route without a baseline");
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
                .append(routes.map(r -> " (" + r.target().describe() + ")").orElse(""))
                .append(targetMetrics.isEmpty() ? "" : ", metrics " + join(targetMetrics))
                .append(prometheus.map(p -> ", Prometheus {" + p.targetSelector() + "}").orElse("")).append('\n');
        if (hasBaseline()) {
            text.append("  baseline ").append(String.join(",", baseline))
                    .append(routes.flatMap(Routes::baseline).map(r -> " (" + r.describe() + ")").orElse(""))
                    .append(baselineMetrics.isEmpty() ? "" : ", metrics " + join(baselineMetrics))
                    .append(prometheus.flatMap(PrometheusSides::baselineSelector).map(s -> ", Prometheus {" + s + "}")
                            .orElse(""))
                    .append(" (same load, at the same time)\n");
        } else {
            text.append("  no baseline\n");
        }
        if (routes.filter(r -> !r.alike()).isPresent()) {
            text.append("  note: the sides are reached through different kinds of path, so a ratio of their latencies "
                    + "compares the paths as well as the versions\n");
        }
        text.append("  calls ").append(token.map(t -> "with " + t).orElse("without a token")).append('\n');
        if (gates.isEmpty()) {
            text.append("  gates: none (the verdict reports, and fails only past the error ceiling)\n");
        } else {
            gates.describe().forEach(gate -> text.append("  gate: ").append(gate).append('\n'));
            if (!targetMetrics.isEmpty()) {
                text.append("  the error-rate and p99 gates also apply to the target's own metrics over the window\n");
            }
            prometheus.ifPresent(p -> text.append("  the error-rate and p99 gates also apply to the same counters in ")
                    .append("Prometheus ").append(p.server()).append(" over the window\n"));
        }
        text.append("  ").append(gates.describeCeiling()).append('\n');
        return text.toString();
    }

    private static String join(List<URI> uris) {
        return uris.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
