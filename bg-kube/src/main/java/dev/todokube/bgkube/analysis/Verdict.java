package dev.todokube.bgkube.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every gate's result; the analysis passes when all of them pass. */
public record Verdict(List<GateResult> gates) {

    public Verdict {
        gates = List.copyOf(gates);
    }

    /** Checks the gates on the target, against the baseline for the ratio. */
    public static Verdict of(Gates gates, SideResult target, Optional<SideResult> baseline) {
        List<GateResult> results = new ArrayList<>();
        gates.maxErrorRate().ifPresent(max -> {
            results.add(atMost("error rate", "load", max, target.errorRate(), Numbers::percent));
            target.server().forEach(server ->
                    results.add(atMost("error rate", server.source(), max, server.errorRate(), Numbers::percent)));
        });
        gates.maxP99().ifPresent(max -> {
            double maxMs = max.toNanos() / 1e6;
            results.add(atMost("p99", "load", maxMs, p99(target), Numbers::millis));
            target.server().forEach(server ->
                    results.add(atMost("p99", server.source(), maxMs, server.p99Ms(), Numbers::millis)));
        });
        gates.maxP99Ratio().ifPresent(max -> {
            SideResult base = baseline.orElseThrow(() ->
                    new IllegalArgumentException("a p99-ratio gate needs a baseline"));
            results.add(atMost("p99 ratio", "load", max, ratio(p99(target), p99(base)), Numbers::ratio));
            for (ServerMetrics server : target.server()) {
                base.server(server.source()).ifPresent(baseServer -> results.add(atMost("p99 ratio", server.source(),
                        max, ratio(server.p99Ms(), baseServer.p99Ms()), Numbers::ratio)));
            }
        });
        gates.minRps().ifPresent(min -> results.add(new GateResult("throughput", "load",
                ">= " + Numbers.rate(min) + " calls/s", Numbers.rate(target.requestsPerSecond()) + " calls/s",
                min, target.requestsPerSecond(), target.requestsPerSecond() >= min)));
        return new Verdict(results);
    }

    /** The error-rate and p99 gates on the service's own figures alone (the post-promotion watch). */
    public static Verdict ofServer(Gates gates, ServerMetrics server) {
        List<GateResult> results = new ArrayList<>();
        gates.maxErrorRate().ifPresent(max ->
                results.add(atMost("error rate", server.source(), max, server.errorRate(), Numbers::percent)));
        gates.maxP99().ifPresent(max ->
                results.add(atMost("p99", server.source(), max.toNanos() / 1e6, server.p99Ms(), Numbers::millis)));
        return new Verdict(results);
    }

    public boolean passed() {
        return gates.stream().allMatch(GateResult::passed);
    }

    public List<GateResult> failures() {
        return gates.stream().filter(gate -> !gate.passed()).toList();
    }

    /** One line: which gates failed with their figures, or how many passed. */
    public String reason() {
        if (passed()) {
            if (gates.isEmpty()) {
                return "no gates were set";
            }
            return gates.size() == 1 ? "the gate passed" : "all " + gates.size() + " gates passed";
        }
        List<String> parts = failures().stream()
                .map(gate -> gate.gate() + " (" + gate.source() + ") " + gate.value() + ", limit " + gate.threshold())
                .toList();
        return String.join("; ", parts);
    }

    /** A side's p99 counts only when it completed a call: a run of nothing has no latency. */
    private static double p99(SideResult side) {
        return side.calls() == 0 ? Double.NaN : side.p99Ms();
    }

    private static double ratio(double target, double baseline) {
        return baseline > 0 ? target / baseline : Double.NaN;
    }

    private interface Format {
        String apply(double value);
    }

    /** NaN (nothing measured) fails: a gate never passes on missing data. */
    private static GateResult atMost(String gate, String source, double limit, double measured, Format format) {
        return new GateResult(gate, source, "<= " + format.apply(limit), format.apply(measured), limit, measured,
                !Double.isNaN(measured) && measured <= limit);
    }
}
