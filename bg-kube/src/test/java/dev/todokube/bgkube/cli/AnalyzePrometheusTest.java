package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.bgkube.testing.CommandLineRun;
import dev.todokube.bgkube.testing.PrometheusServer;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --prometheus}: the gates on the service's counters as a real Prometheus server
 * holds them (Debian's, scraping the shared todo-api processes every 2 s), queried by PromQL.
 * As in {@code AnalyzeCommandTest}, a gate that must fail does so by the whole margin (every call
 * rejected), and one that must pass is loose: nothing here measures speed.
 */
@Timeout(240)
class AnalyzePrometheusTest {

    /** A window of 5 s or more holds at least two of Prometheus's 2 s scrapes, which increase() needs. */
    private static final List<String> LOAD = List.of("--duration", "5s", "--warm-up", "2s", "--users", "3",
            "--spawn-rate", "3", "--wait-time", "constant:50ms", "--deadline", "10s");

    @RegisterExtension
    static final TodoApiFleet FLEET = new TodoApiFleet();

    private static PrometheusServer prometheus;

    @TempDir
    static Path prometheusDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prometheus = PrometheusServer.start(Map.of("healthy", FLEET.healthy().metricsAddress(),
                "other", FLEET.otherHealthy().metricsAddress(), "locked", FLEET.locked().metricsAddress()), prometheusDir);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void healthySidesPassOnTheCountersPrometheusHolds() throws Exception {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.healthy().grpcAddress(), "--baseline", FLEET.otherHealthy().grpcAddress(),
                "--prometheus", prometheus.url().toString(), "--prometheus-selector", "replica=\"healthy\"",
                "--baseline-prometheus-selector", "{replica=\"other\"}", "--max-error-rate", "5%", "--max-p99", "10s",
                "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("target   " + FLEET.healthy().grpcAddress() + ", Prometheus {replica=\"healthy\"}")
                .contains("reading the window's counters from Prometheus " + prometheus.url())
                .contains("verdict: PASS (all 4 gates passed)");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        for (String side : List.of("target", "baseline")) {
            JsonNode counted = verdict.path(side).path("prometheus");
            assertThat(counted.path("sources").get(0).asText()).isEqualTo(prometheus.url().toString());
            assertThat(counted.path("calls_by_code").path("OK").asLong()).as(side).isPositive();
            assertThat(counted.path("errors").asLong()).as(side).isZero();
            assertThat(counted.path("p99_ms").asDouble()).as(side).isPositive();
            assertThat(verdict.path(side).path("metrics").isNull()).isTrue();
        }
        List<String> gates = new ArrayList<>();
        verdict.path("gates").forEach(gate -> gates.add(gate.path("gate").asText() + "/" + gate.path("source").asText()
                + "/" + gate.path("passed").asBoolean()));
        assertThat(gates).containsExactly("error rate/load/true", "error rate/prometheus/true", "p99/load/true",
                "p99/prometheus/true");
    }

    @Test
    void aTargetThatRejectsEveryCallFailsTheErrorRateGateInPrometheusToo() throws Exception {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.locked().grpcAddress(), "--prometheus", prometheus.url().toString(),
                "--prometheus-selector", "job=\"todo-api\",replica=\"locked\"", "--max-error-rate", "5%",
                "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.out()).contains("target calls by code (prometheus): UNAUTHENTICATED");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        JsonNode counted = verdict.path("target").path("prometheus");
        assertThat(counted.path("calls_by_code").path("UNAUTHENTICATED").asLong()).isPositive();
        assertThat(counted.path("calls_by_code").has("OK")).isFalse();
        assertThat(counted.path("error_rate").asDouble()).isEqualTo(1.0);
        JsonNode gate = verdict.path("gates").get(1);
        assertThat(gate.path("source").asText()).isEqualTo("prometheus");
        assertThat(gate.path("passed").asBoolean()).isFalse();
    }

    @Test
    void aSelectorThatMatchesNoScrapeTargetExitsWithThreeBeforeAnyLoad() {
        TestProject.Run run = analyze("--target", FLEET.healthy().grpcAddress(), "--prometheus", prometheus.url().toString(),
                "--prometheus-selector", "replica=\"nobody\"", "--max-error-rate", "5%");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).startsWith("bg-kube: Prometheus " + prometheus.url()
                + " scrapes no target matching {replica=\"nobody\"}").hasLineCount(1);
        assertThat(run.out()).doesNotContain("starting the load generator");
    }

    @Test
    void aSelectorPrometheusCannotParseExitsWithTwo() {
        TestProject.Run run = analyze("--target", FLEET.healthy().grpcAddress(), "--prometheus", prometheus.url().toString(),
                "--prometheus-selector", "replica=~\"(\"", "--max-error-rate", "5%");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("bg-kube: Prometheus rejected the query up{replica=~\"(\"}: ").hasLineCount(1);
        assertThat(run.out()).doesNotContain("starting the load generator");
    }

    private static TestProject.Run analyze(String... args) {
        return CommandLineRun.analyze(LOAD, args);
    }
}
