package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Gates against given figures: which rows appear, where each limit lies, that missing data never
 * passes, and the rules that hold whatever the gates (the error ceiling, refused calls), before a
 * swap and in the watch after it.
 */
class VerdictTest {

    private static final Gates ALL = new Gates(Optional.of(0.01), Optional.of(Duration.ofMillis(250)),
            Optional.of(1.2), Optional.of(100.0), Gates.DEFAULT_ERROR_CEILING);
    private static final Gates P99_ONLY = new Gates(Optional.empty(), Optional.of(Duration.ofMillis(250)),
            Optional.empty(), Optional.empty(), Gates.DEFAULT_ERROR_CEILING);

    @Test
    void everyGatePassesAtItsLimit() {
        SideResult target = side("target", 1000, 10, 240, 100.0);
        SideResult baseline = side("baseline", 1000, 0, 200, 100.0);

        Verdict verdict = Verdict.of(ALL, target, Optional.of(baseline));

        // The target's 1% error gate is stricter than the ceiling, so only the baseline has a ceiling row.
        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.side())
                .containsExactly("error rate/target", "p99/target", "p99 ratio/target", "throughput/target",
                        "error ceiling/baseline");
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).isEqualTo("all 5 gates passed");
    }

    @Test
    void aRatioJustAboveItsLimitFailsWithItsFigures() {
        Verdict verdict = Verdict.of(ALL, side("target", 1000, 0, 241, 100.0),
                Optional.of(side("baseline", 1000, 0, 200, 100.0)));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.failures()).singleElement().satisfies(gate -> {
            assertThat(gate.gate()).isEqualTo("p99 ratio");
            assertThat(gate.measured()).isEqualTo(1.205);
            assertThat(gate.limit()).isEqualTo(1.2);
        });
        assertThat(verdict.reason()).isEqualTo("p99 ratio (load) 1.21 x, limit <= 1.20 x");
    }

    @Test
    void aTargetWithoutCallsFailsEveryGate() {
        Verdict verdict = Verdict.of(ALL, side("target", 0, 0, 0, 0.0), Optional.of(side("baseline", 1000, 0, 200, 100.0)));

        assertThat(verdict.failures()).extracting(GateResult::gate)
                .containsExactly("error rate", "p99", "p99 ratio", "throughput");
        assertThat(verdict.failures()).extracting(GateResult::value).containsExactly("n/a", "n/a", "n/a", "0.0 OK calls/s");
    }

    /**
     * The case: a release that fails every call at once passed a p99 gate, because the p99
     * was taken over the failures. Latency is the OK calls', and there are none; the error ceiling
     * fails it even without an error gate.
     */
    @Test
    void aTargetThatFailsEveryCallFastFailsALatencyGateAndTheCeiling() {
        Verdict verdict = Verdict.of(P99_ONLY, side("target", 1000, 1000, 1, 0.0), Optional.empty());

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.value() + "/" + gate.passed())
                .containsExactly("p99/n/a/false", "error ceiling/100.00%/false");
        assertThat(verdict.reason()).isEqualTo("p99 (load) n/a, limit <= 250.0 ms; error ceiling (load) 100.00%, "
                + "limit <= 5.00%");
    }

    @Test
    void theErrorCeilingHoldsOnBothSidesWithoutAnErrorGateAndCanBeRaised() {
        SideResult target = side("target", 1000, 60, 100, 100.0);
        SideResult baseline = side("baseline", 1000, 200, 100, 100.0);

        Verdict verdict = Verdict.of(P99_ONLY, target, Optional.of(baseline));

        assertThat(verdict.failures()).extracting(gate -> gate.gate() + "/" + gate.side() + "/" + gate.value())
                .containsExactly("error ceiling/target/6.00%", "error ceiling/baseline/20.00%");
        assertThat(verdict.reason()).isEqualTo("error ceiling (load) 6.00%, limit <= 5.00%; "
                + "error ceiling (baseline load) 20.00%, limit <= 5.00%");

        Gates raised = new Gates(Optional.empty(), Optional.of(Duration.ofMillis(250)), Optional.empty(), Optional.empty(),
                0.25);
        assertThat(Verdict.of(raised, target, Optional.of(baseline)).passed()).isTrue();
    }

    @Test
    void anErrorGateLooserThanTheCeilingKeepsTheCeilingRow() {
        Gates loose = new Gates(Optional.of(0.10), Optional.empty(), Optional.empty(), Optional.empty(),
                Gates.DEFAULT_ERROR_CEILING);

        Verdict verdict = Verdict.of(loose, side("target", 1000, 80, 100, 100.0), Optional.empty());

        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.passed())
                .containsExactly("error rate/true", "error ceiling/false");
    }

    @Test
    void mostCallsRefusedIsNotAuthorisedNeverAPass() {
        SideResult refused = new SideResult("target", List.of("127.0.0.1:1"), 1000, 800, 1, 1, 1, 20, 10,
                Map.of("UNAUTHENTICATED", 700L, "PERMISSION_DENIED", 100L), List.of(), List.of());

        Verdict verdict = Verdict.of(new Gates(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1.0),
                refused, Optional.empty());

        assertThat(verdict.notAuthorised()).isTrue();
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.refused()).isEqualTo(800);
            assertThat(refusal.calls()).isEqualTo(1000);
        });
        assertThat(verdict.reason()).isEqualTo("not authorised: target (load): 800 of 1,000 calls refused "
                + "(PERMISSION_DENIED 100, UNAUTHENTICATED 700)");

        SideResult halfRefused = new SideResult("target", List.of("127.0.0.1:1"), 1000, 500, 1, 1, 1, 50, 10,
                Map.of("UNAUTHENTICATED", 500L), List.of(), List.of());
        assertThat(Verdict.of(Gates.none(), halfRefused, Optional.empty()).notAuthorised()).as("half is not most").isFalse();
    }

    @Test
    void serverMetricsAddTheirOwnRows() {
        ServerMetrics counted = new ServerMetrics(ServerMetrics.METRICS, List.of(URI.create("http://127.0.0.1:1/metrics")),
                Map.of("OK", 90L, "UNAVAILABLE", 10L), 300);
        SideResult target = side("target", 1000, 0, 100, 100.0).withServer(counted);

        Verdict verdict = Verdict.of(new Gates(Optional.of(0.01), Optional.of(Duration.ofMillis(250)), Optional.empty(),
                Optional.empty(), Gates.DEFAULT_ERROR_CEILING), target, Optional.empty());

        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.source() + "/" + gate.passed())
                .containsExactly("error rate/load/true", "error rate/metrics/false", "p99/load/true", "p99/metrics/false");
    }

    @Test
    void eachSourceIsGatedOnItsOwnAndRatiosPairTheSameSourceOfBothSides() {
        SideResult target = side("target", 1000, 0, 100, 100.0)
                .withServer(new ServerMetrics(ServerMetrics.METRICS, List.of(), Map.of("OK", 1000L), 90))
                .withServer(new ServerMetrics(ServerMetrics.PROMETHEUS, List.of(), Map.of("OK", 990L, "INTERNAL", 20L), 400));
        SideResult baseline = side("baseline", 1000, 0, 100, 100.0)
                .withServer(new ServerMetrics(ServerMetrics.PROMETHEUS, List.of(), Map.of("OK", 1000L), 100));

        Verdict verdict = Verdict.of(new Gates(Optional.of(0.01), Optional.empty(), Optional.of(2.0), Optional.empty(),
                Gates.DEFAULT_ERROR_CEILING), target, Optional.of(baseline));

        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.side() + "/" + gate.source() + "/"
                        + gate.value() + "/" + gate.passed())
                .containsExactly("error rate/target/load/0.00%/true", "error rate/target/metrics/0.00%/true",
                        "error rate/target/prometheus/1.98%/false", "p99 ratio/target/load/1.00 x/true",
                        "p99 ratio/target/prometheus/4.00 x/false", "error ceiling/baseline/load/0.00%/true",
                        "error ceiling/baseline/prometheus/0.00%/true");
    }

    /** The post-promotion watch: the same rules on the service's own counters. */
    @Test
    void theWatchGetsTheCeilingAndTheRefusalRuleToo() {
        ServerMetrics failing = new ServerMetrics(ServerMetrics.METRICS, List.of(), Map.of("OK", 900L, "INTERNAL", 100L), 20);
        Verdict ceiling = Verdict.ofServer(P99_ONLY, failing);
        assertThat(ceiling.gates()).extracting(gate -> gate.gate() + "/" + gate.value() + "/" + gate.passed())
                .containsExactly("p99/20.0 ms/true", "error ceiling/10.00%/false");
        assertThat(ceiling.notAuthorised()).isFalse();
        assertThat(ceiling.reason()).isEqualTo("error ceiling (metrics) 10.00%, limit <= 5.00%");

        ServerMetrics refused = new ServerMetrics(ServerMetrics.METRICS, List.of(), Map.of("OK", 10L, "UNAUTHENTICATED", 90L),
                1);
        Verdict notAuthorised = Verdict.ofServer(new Gates(Optional.empty(), Optional.of(Duration.ofMillis(250)),
                Optional.empty(), Optional.empty(), 1.0), refused);
        assertThat(notAuthorised.notAuthorised()).isTrue();
        assertThat(notAuthorised.passed()).isFalse();
        assertThat(notAuthorised.reason()).isEqualTo("not authorised: target (metrics): 90 of 100 calls refused "
                + "(UNAUTHENTICATED 90)");

        ServerMetrics healthy = new ServerMetrics(ServerMetrics.METRICS, List.of(), Map.of("OK", 1000L), 20);
        assertThat(Verdict.ofServer(P99_ONLY, healthy).passed()).isTrue();
    }

    @Test
    void aRatioGateWithoutABaselineIsRefused() {
        assertThatThrownBy(() -> Verdict.of(ALL, side("target", 10, 0, 1, 1.0), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a baseline");
    }

    @Test
    void withoutGatesOnlyTheCeilingDecides() {
        Verdict verdict = Verdict.of(Gates.none(), side("target", 100, 0, 1, 10), Optional.empty());

        assertThat(verdict.gates()).extracting(GateResult::gate).containsExactly("error ceiling");
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).isEqualTo("the gate passed");
    }

    private static SideResult side(String name, long calls, long failures, double p99Ms, double okPerSecond) {
        boolean anyOk = calls > failures;
        return new SideResult(name, List.of("127.0.0.1:1"), calls, failures, anyOk ? p99Ms / 2 : Double.NaN,
                anyOk ? p99Ms * 0.9 : Double.NaN, anyOk ? p99Ms : Double.NaN, okPerSecond, 10,
                failures == 0 ? Map.of() : Map.of("UNAVAILABLE", failures), List.of(), List.of());
    }
}
