package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.bgkube.testing.CommandLineRun;
import dev.todokube.bgkube.testing.PrometheusServer;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import dev.todokube.testkit.process.ProjectJars;
import dev.todokube.testkit.todoapi.TodoApiProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --prometheus}: the gates on the service's counters as a real Prometheus server
 * holds them (Debian's, scraping the shared todo-api processes every 2 s), queried by PromQL.
 * As in {@code AnalyzeCommandTest}, a gate that must fail does so by a margin noise cannot close,
 * and one that must pass is loose: nothing here measures speed.
 */
@Timeout(240)
class AnalyzePrometheusTest {

    /**
     * increase() needs two samples in the window: 8 s holds four of Prometheus's 2 s scrapes, and at
     * least two when a busy machine (load average 20) delays some; 5 s once held one.
     */
    private static final List<String> LOAD = List.of("--duration", "8s", "--warm-up", "2s", "--users", "3",
            "--spawn-rate", "3", "--wait-time", "constant:50ms", "--deadline", "10s");

    @RegisterExtension
    static final TodoApiFleet FLEET = new TodoApiFleet();

    private static PrometheusServer prometheus;
    /** A todo-api of this class alone, wanting {@link TodoApiFleet#TOKEN}: no other test sends it a call. */
    private static TodoApiProcess fresh;

    @TempDir
    static Path prometheusDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPrometheus() throws Exception {
        fresh = TodoApiProcess.start(ProjectJars.todoApi(), "todo-api-fresh", Map.of("AUTH_TOKENS", TodoApiFleet.TOKEN));
        prometheus = PrometheusServer.start(Map.of("healthy", FLEET.healthy().metricsAddress(),
                "other", FLEET.otherHealthy().metricsAddress(), "locked", FLEET.locked().metricsAddress(),
                "fresh", fresh.metricsAddress()), prometheusDir);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (fresh != null) {
            fresh.close();
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
                .contains("verdict: PASS (all 6 gates passed)");
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
                "p99/prometheus/true", "error ceiling/load/true", "error ceiling/prometheus/true");
    }

    /**
     * A release that starts failing during the analysis: the analysis's own calls carry the token
     * and succeed, while 200 calls without it, sent 3 s into the window (after at least one of
     * Prometheus's 2 s scrapes inside it), are the first UNAUTHENTICATED this todo-api ever
     * answers. Prometheus counts them: the series existed, at zero, before the window. Before
     * todo-api registered every code's counter at its first scrape, the series began with the
     * burst already in it, and increase() counted nothing.
     */
    @Test
    void errorsThatBeginMidWindowAreCountedInThePrometheusRow(@TempDir Path tokenDir) throws Exception {
        Path json = dir.resolve("verdict.json");
        Path tokenFile = Files.writeString(tokenDir.resolve("token"), TodoApiFleet.TOKEN + "\n");
        Path emptyRequest = Files.write(tokenDir.resolve("get-todos.grpc"), new byte[5]);

        CommandLineRun.Running analysis = CommandLineRun.startAnalyze(List.of("--duration", "10s", "--warm-up", "1s",
                        "--users", "3", "--spawn-rate", "3", "--wait-time", "constant:50ms", "--deadline", "10s"),
                "--target", fresh.grpcAddress(), "--token-file", tokenFile.toString(), "--prometheus",
                prometheus.url().toString(), "--prometheus-selector", "replica=\"fresh\"", "--max-error-rate", "50%",
                "--json", json.toString());
        assertThat(analysis.awaitLineStartingWith("measuring for ", Duration.ofSeconds(120)))
                .as("the window opened").isTrue();
        Thread.sleep(3_000);
        // GetTodos without a token, from h2load (a C program: at once, unlike a JVM).
        Process unauthenticated = new ProcessBuilder("h2load", "-n", "200", "-c", "1", "-m", "1",
                "-d", emptyRequest.toString(), "-H", "content-type: application/grpc", "-H", "te: trailers",
                "http://" + fresh.grpcAddress() + "/grpc.Todos/GetTodos").redirectErrorStream(true)
                .redirectOutput(tokenDir.resolve("h2load.log").toFile()).start();
        assertThat(unauthenticated.waitFor(60, TimeUnit.SECONDS)).as("h2load finished").isTrue();
        assertThat(analysis.awaitLineStartingWith("reading the window's counters", Duration.ZERO))
                .as("h2load's calls were all made inside the window").isFalse();
        TestProject.Run run = analysis.result(Duration.ofSeconds(200));

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        JsonNode target = new ObjectMapper().readTree(json.toFile()).path("target");
        assertThat(target.path("errors").size()).as("the analysis's own calls all succeeded").isZero();
        JsonNode counted = target.path("prometheus").path("calls_by_code");
        assertThat(counted.path("OK").asLong()).isPositive();
        assertThat(counted.path("UNAUTHENTICATED").asLong()).as("the 200 calls h2load sent mid-window, as increase() "
                + "extrapolates them to the window's edges").isGreaterThanOrEqualTo(100L);
        assertThat(run.out()).containsPattern("target calls by code \\(prometheus\\): OK [0-9,]+, UNAUTHENTICATED [0-9,]+");
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
