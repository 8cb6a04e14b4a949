package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Gates against given figures: which rows appear, where each limit lies, and that missing data never passes. */
class VerdictTest {

    private static final Gates ALL = new Gates(Optional.of(0.01), Optional.of(Duration.ofMillis(250)),
            Optional.of(1.2), Optional.of(100.0));

    @Test
    void everyGatePassesAtItsLimit() {
        SideResult target = side("target", 1000, 10, 240, 100.0);
        SideResult baseline = side("baseline", 1000, 0, 200, 100.0);

        Verdict verdict = Verdict.of(ALL, target, Optional.of(baseline));

        assertThat(verdict.gates()).extracting(GateResult::gate)
                .containsExactly("error rate", "p99", "p99 ratio", "throughput");
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).isEqualTo("all 4 gates passed");
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

        assertThat(verdict.failures()).hasSize(4);
        assertThat(verdict.gates()).extracting(GateResult::value).containsExactly("n/a", "n/a", "n/a", "0.0 calls/s");
    }

    @Test
    void serverMetricsAddTheirOwnRows() {
        ServerMetrics counted = new ServerMetrics(ServerMetrics.METRICS, List.of(URI.create("http://127.0.0.1:1/metrics")),
                Map.of("OK", 90L, "UNAVAILABLE", 10L), 300);
        SideResult target = side("target", 1000, 0, 100, 100.0).withServer(counted);

        Verdict verdict = Verdict.of(new Gates(Optional.of(0.01), Optional.of(Duration.ofMillis(250)), Optional.empty(),
                Optional.empty()), target, Optional.empty());

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

        Verdict verdict = Verdict.of(new Gates(Optional.of(0.01), Optional.empty(), Optional.of(2.0), Optional.empty()),
                target, Optional.of(baseline));

        assertThat(verdict.gates()).extracting(gate -> gate.gate() + "/" + gate.source() + "/" + gate.value() + "/" + gate.passed())
                .containsExactly("error rate/load/0.00%/true", "error rate/metrics/0.00%/true",
                        "error rate/prometheus/1.98%/false", "p99 ratio/load/1.00 x/true", "p99 ratio/prometheus/4.00 x/false");
    }

    @Test
    void aRatioGateWithoutABaselineIsRefused() {
        assertThatThrownBy(() -> Verdict.of(ALL, side("target", 10, 0, 1, 1.0), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a baseline");
    }

    @Test
    void noGatesPass() {
        assertThat(Verdict.of(Gates.none(), side("target", 0, 0, 0, 0), Optional.empty()).reason())
                .isEqualTo("no gates were set");
    }

    private static SideResult side(String name, long calls, long failures, double p99Ms, double rps) {
        return new SideResult(name, List.of("127.0.0.1:1"), calls, failures, p99Ms / 2, p99Ms * 0.9, p99Ms, rps, 10,
                failures == 0 ? Map.of() : Map.of("UNAVAILABLE", failures), List.of(), List.of());
    }
}
