package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.bgkube.testing.CommandLineRun;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import dev.todokube.testkit.process.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code analyze} against real todo-api processes on 127.0.0.1, driven by the real loadtest jar.
 * Every gate that must fail does so by a margin the machine's noise cannot close: a 3 s store delay
 * against a ratio of 1.5 (every call of the slow side takes longer than the limit allows unless the
 * healthy side's p99 exceeds 2 s), every call rejected against a 5% error rate. The gates that must
 * pass are as loose (a 10 s deadline, so a cold JVM's first calls on a busy machine do not fail):
 * nothing here measures speed. Ratio and throughput gates that must pass are left to
 * {@code VerdictTest}: a p99 over a few hundred calls moves with a single scheduling stall, and a
 * machine with a load average of 20 completed 2 calls in 5 s here once.
 */
@Timeout(180)
class AnalyzeCommandTest {

    /** Light on purpose: the machine runs two servers and two generators at once. */
    private static final List<String> LOAD = List.of("--duration", "3s", "--warm-up", "2s", "--users", "3",
            "--spawn-rate", "3", "--wait-time", "constant:50ms", "--deadline", "10s");

    @RegisterExtension
    static final TodoApiFleet FLEET = new TodoApiFleet();

    @TempDir
    Path dir;

    @Test
    void healthyTargetAgainstHealthyBaselinePasses() throws Exception {
        Path json = dir.resolve("verdict.json");
        Path html = dir.resolve("verdict.html");

        TestProject.Run run = analyze("--target", FLEET.healthy().grpcAddress(), "--baseline", FLEET.otherHealthy().grpcAddress(),
                "--metrics", FLEET.healthy().metricsAddress(), "--max-error-rate", "5%", "--max-p99", "10s",
                "--json", json.toString(), "--html", html.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("verdict: PASS (all 4 gates passed)");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        assertThat(verdict.path("passed").asBoolean()).isTrue();
        JsonNode target = verdict.path("target");
        JsonNode baseline = verdict.path("baseline");
        assertThat(target.path("calls").asLong()).isPositive();
        assertThat(baseline.path("calls").asLong()).isPositive();
        assertThat(target.path("addresses").get(0).asText()).isEqualTo(FLEET.healthy().grpcAddress());
        assertThat(baseline.path("addresses").get(0).asText()).isEqualTo(FLEET.otherHealthy().grpcAddress());
        // The service counted the window's calls itself, all OK.
        assertThat(target.path("metrics").path("calls_by_code").path("OK").asLong()).isPositive();
        assertThat(target.path("metrics").path("errors").asLong()).isZero();
        assertThat(baseline.path("metrics").isNull()).isTrue();
        assertThat(target.path("history").size()).isPositive();
        assertThat(baseline.path("history").size()).isPositive();
        List<String> gates = new ArrayList<>();
        verdict.path("gates").forEach(gate -> gates.add(gate.path("gate").asText() + "/" + gate.path("source").asText()));
        assertThat(gates).containsExactly("error rate/load", "error rate/metrics", "p99/load", "p99/metrics");

        // Both sides' latency and throughput over time, in a well-formed page.
        Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(html.toFile());
        List<String> series = new ArrayList<>();
        var titles = page.getElementsByTagName("title");
        for (int i = 0; i < titles.getLength(); i++) {
            series.add(titles.item(i).getTextContent());
        }
        assertThat(series).contains("target", "baseline", "target req/s", "baseline req/s");
    }

    @Test
    void slowTargetFailsTheP99RatioGate() throws Exception {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.slow().grpcAddress(), "--baseline", FLEET.healthy().grpcAddress(),
                "--metrics", FLEET.slow().metricsAddress(), "--baseline-metrics", FLEET.healthy().metricsAddress(),
                "--max-p99-ratio", "1.5", "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.err()).startsWith("bg-kube: analysis failed: p99 ratio (load) ").hasLineCount(1);
        assertThat(run.out()).contains("verdict: FAIL");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        assertThat(verdict.path("passed").asBoolean()).isFalse();
        // The store delay is in every call the slow side served, so even its median is past it (the load
        // generator's histogram keeps two significant digits, hence 2900).
        assertThat(verdict.path("target").path("p50_ms").asDouble()).isGreaterThan(2900);
        assertThat(verdict.path("target").path("metrics").path("p99_ms").asDouble()).isGreaterThanOrEqualTo(3000);
        for (JsonNode gate : verdict.path("gates")) {
            assertThat(gate.path("gate").asText()).isEqualTo("p99 ratio");
            assertThat(gate.path("passed").asBoolean()).as(gate.toString()).isFalse();
            assertThat(gate.path("measured").asDouble()).isGreaterThan(1.5);
        }
        assertThat(verdict.path("gates").size()).isEqualTo(2);
    }

    @Test
    void targetThatRejectsEveryCallFailsTheErrorRateGate() throws Exception {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.locked().grpcAddress(), "--metrics", FLEET.locked().metricsAddress(),
                "--max-error-rate", "5%", "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.err()).startsWith("bg-kube: analysis failed: error rate (load) 100.00%, limit <= 5.00%")
                .hasLineCount(1);
        assertThat(run.out()).contains("target errors (load): UNAUTHENTICATED");
        JsonNode verdict = new ObjectMapper().readTree(json.toFile());
        JsonNode target = verdict.path("target");
        assertThat(target.path("failures").asLong()).isEqualTo(target.path("calls").asLong()).isPositive();
        assertThat(target.path("errors").path("UNAUTHENTICATED").asLong()).isEqualTo(target.path("calls").asLong());
        JsonNode metrics = target.path("metrics");
        assertThat(metrics.path("calls_by_code").path("UNAUTHENTICATED").asLong()).isPositive();
        assertThat(metrics.path("calls_by_code").has("OK")).isFalse();
        assertThat(metrics.path("error_rate").asDouble()).isEqualTo(1.0);
        assertThat(verdict.path("gates").get(1).path("source").asText()).isEqualTo("metrics");
        assertThat(verdict.path("gates").get(1).path("passed").asBoolean()).isFalse();
        assertThat(verdict.path("baseline").isNull()).isTrue();
    }

    @Test
    void unreachableTargetExitsWithThree() {
        String closed = "127.0.0.1:" + FreePorts.find();
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", closed, "--baseline", FLEET.healthy().grpcAddress(),
                "--max-error-rate", "1%", "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).startsWith("bg-kube: the target " + closed + " cannot be reached: ").hasLineCount(1);
        assertThat(json).doesNotExist();
    }

    @Test
    void unreachableMetricsEndpointExitsWithThree() {
        String closed = "127.0.0.1:" + FreePorts.find();

        TestProject.Run run = analyze("--target", FLEET.healthy().grpcAddress(), "--metrics", closed,
                "--max-error-rate", "1%");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).startsWith("bg-kube: metrics endpoint http://" + closed + "/metrics unreachable")
                .hasLineCount(1);
    }

    private static TestProject.Run analyze(String... args) {
        return CommandLineRun.analyze(LOAD, args);
    }
}
