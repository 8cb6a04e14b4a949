package dev.todokube.bgkube.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every gate's result, and any reading whose calls were mostly refused for want of authorisation;
 * the analysis passes when every gate passes and nothing was refused.
 *
 * <p>The rules, the same for the analysis before a swap ({@link #of}) and the watch after it
 * ({@link #ofServer}): latency and throughput count OK calls only (a failed call, often answered at
 * once, would flatter them); every reading of either side meets the error ceiling, gate or not; and
 * a reading whose calls were mostly UNAUTHENTICATED or PERMISSION_DENIED is a {@link Refusal}, never
 * a pass.
 *
 * @param refusals readings whose calls were mostly refused
 */
public record Verdict(List<GateResult> gates, List<Refusal> refusals) {

    static final String TARGET = "target";
    static final String BASELINE = "baseline";
    static final String LOAD = "load";

    public Verdict {
        gates = List.copyOf(gates);
        refusals = List.copyOf(refusals);
    }

    /**
     * Checks the gates on the target, against the baseline for the ratio; the error ceiling on both
     * sides' every reading; and the load's calls of both sides for refusals.
     */
    public static Verdict of(Gates gates, SideResult target, Optional<SideResult> baseline) {
        List<GateResult> results = new ArrayList<>();
        gates.maxErrorRate().ifPresent(max -> {
            results.add(atMost("error rate", TARGET, LOAD, max, target.errorRate(), Numbers::percent));
            target.server().forEach(server ->
                    results.add(atMost("error rate", TARGET, server.source(), max, server.errorRate(), Numbers::percent)));
        });
        gates.maxP99().ifPresent(max -> {
            double maxMs = max.toNanos() / 1e6;
            results.add(atMost("p99", TARGET, LOAD, maxMs, p99(target), Numbers::millis));
            target.server().forEach(server ->
                    results.add(atMost("p99", TARGET, server.source(), maxMs, server.p99Ms(), Numbers::millis)));
        });
        gates.maxP99Ratio().ifPresent(max -> {
            SideResult base = baseline.orElseThrow(() ->
                    new IllegalArgumentException("a p99-ratio gate needs a baseline"));
            results.add(atMost("p99 ratio", TARGET, LOAD, max, ratio(p99(target), p99(base)), Numbers::ratio));
            for (ServerMetrics server : target.server()) {
                base.server(server.source()).ifPresent(baseServer -> results.add(atMost("p99 ratio", TARGET,
                        server.source(), max, ratio(server.p99Ms(), baseServer.p99Ms()), Numbers::ratio)));
            }
        });
        gates.minRps().ifPresent(min -> results.add(new GateResult("throughput", TARGET, LOAD,
                ">= " + Numbers.rate(min) + " OK calls/s", Numbers.rate(target.okPerSecond()) + " OK calls/s",
                min, target.okPerSecond(), target.okPerSecond() >= min)));
        if (gates.ceilingBeyondErrorGate()) {
            results.addAll(ceiling(gates, target));
        }
        baseline.ifPresent(base -> results.addAll(ceiling(gates, base)));
        List<Refusal> refusals = Stream.concat(Stream.of(target), baseline.stream())
                .flatMap(side -> Refusal.of(side.side(), LOAD, side.errors(), side.calls()).stream())
                .toList();
        return new Verdict(results, refusals);
    }

    /**
     * The error-rate and p99 gates, the error ceiling and the refusal rule on the service's own
     * figures alone: what the post-promotion watch checks as real traffic reaches the new color.
     */
    public static Verdict ofServer(Gates gates, ServerMetrics server) {
        List<GateResult> results = new ArrayList<>();
        gates.maxErrorRate().ifPresent(max ->
                results.add(atMost("error rate", TARGET, server.source(), max, server.errorRate(), Numbers::percent)));
        gates.maxP99().ifPresent(max -> results.add(atMost("p99", TARGET, server.source(), max.toNanos() / 1e6,
                server.p99Ms(), Numbers::millis)));
        if (gates.ceilingBeyondErrorGate()) {
            results.add(ceiling(gates, TARGET, server));
        }
        return new Verdict(results, Refusal.of(TARGET, server.source(), server.callsByCode(), server.calls()).stream()
                .toList());
    }

    public boolean passed() {
        return refusals.isEmpty() && gates.stream().allMatch(GateResult::passed);
    }

    /** Whether a reading's calls were mostly refused as UNAUTHENTICATED or PERMISSION_DENIED. */
    public boolean notAuthorised() {
        return !refusals.isEmpty();
    }

    public List<GateResult> failures() {
        return gates.stream().filter(gate -> !gate.passed()).toList();
    }

    /** One line: the refusals and which gates failed with their figures, or how many passed. */
    public String reason() {
        if (passed()) {
            if (gates.isEmpty()) {
                return "no gates were set";
            }
            return gates.size() == 1 ? "the gate passed" : "all " + gates.size() + " gates passed";
        }
        List<String> parts = new ArrayList<>();
        refusals.forEach(refusal -> parts.add("not authorised: " + refusal.describe()));
        failures().forEach(gate -> parts.add(gate.gate() + " (" + (gate.side().equals(TARGET) ? "" : gate.side() + " ")
                + gate.source() + ") " + gate.value() + ", limit " + gate.threshold()));
        return String.join("; ", parts);
    }

    private static List<GateResult> ceiling(Gates gates, SideResult side) {
        List<GateResult> rows = new ArrayList<>();
        rows.add(atMost("error ceiling", side.side(), LOAD, gates.errorCeiling(), side.errorRate(), Numbers::percent));
        side.server().forEach(server -> rows.add(ceiling(gates, side.side(), server)));
        return rows;
    }

    private static GateResult ceiling(Gates gates, String side, ServerMetrics server) {
        return atMost("error ceiling", side, server.source(), gates.errorCeiling(), server.errorRate(), Numbers::percent);
    }

    /** A side's p99 counts only when it completed an OK call: a run of nothing has no latency. */
    private static double p99(SideResult side) {
        return side.okCalls() == 0 ? Double.NaN : side.p99Ms();
    }

    private static double ratio(double target, double baseline) {
        return baseline > 0 ? target / baseline : Double.NaN;
    }

    private interface Format {
        String apply(double value);
    }

    /** NaN (nothing measured) fails: a gate never passes on missing data. */
    private static GateResult atMost(String gate, String side, String source, double limit, double measured,
                                     Format format) {
        return new GateResult(gate, side, source, "<= " + format.apply(limit), format.apply(measured), limit, measured,
                !Double.isNaN(measured) && measured <= limit);
    }
}
