package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.bgkube.testing.CommandLineRun;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.FreePorts;
import dev.todokube.testkit.process.ProjectJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze} against real todo-api processes on 127.0.0.1, driven by the real loadtest jar.
 * Every gate that must fail does so by a margin the machine's noise cannot close: a 3 s store delay
 * against a ratio of 1.5 (every call of the slow side takes longer than the limit allows unless the
 * healthy side's p99 exceeds 2 s), every call failed or refused. The gates that must pass are as
 * loose (a 10 s deadline, so a cold JVM's first calls on a busy machine do not fail): nothing here
 * measures speed. Ratio and throughput gates that must pass are left to {@code VerdictTest}: a p99
 * over a few hundred calls moves with a single scheduling stall, and a machine with a load average
 * of 20 completed 2 calls in 5 s here once.
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
        assertThat(run.out()).contains("verdict: PASS (all 5 gates passed)").contains("measuring for 3s: the target from ");
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
        verdict.path("gates").forEach(gate -> gates.add(gate.path("gate").asText() + "/" + gate.path("side").asText()
                + "/" + gate.path("source").asText()));
        // The 5% error gate is no looser than the ceiling, so the ceiling is checked on the baseline only.
        assertThat(gates).containsExactly("error rate/target/load", "error rate/target/metrics", "p99/target/load",
                "p99/target/metrics", "error ceiling/baseline/load");

        // Both sides' latency and throughput over time; drawn in a real browser by AnalysisHtmlBrowserTest.
        String page = Files.readString(html);
        String data = page.substring(page.indexOf("id=\"chart-data\">") + "id=\"chart-data\">".length(),
                page.indexOf("</script>", page.indexOf("id=\"chart-data\">")));
        List<String> series = new ArrayList<>();
        new ObjectMapper().readTree(data).path("charts").forEach(chart -> chart.path("series").forEach(line -> {
            assertThat(line.path("points").size()).as(line.path("name").asText()).isPositive();
            series.add(line.path("name").asText());
        }));
        assertThat(series).containsExactly("target", "baseline", "target calls/s", "target failures/s",
                "baseline calls/s", "baseline failures/s");
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
        List<String> failed = new ArrayList<>();
        for (JsonNode gate : verdict.path("gates")) {
            if (!gate.path("passed").asBoolean()) {
                failed.add(gate.path("gate").asText() + "/" + gate.path("source").asText());
                assertThat(gate.path("measured").asDouble()).as(gate.toString()).isGreaterThan(1.5);
            }
        }
        assertThat(failed).containsExactly("p99 ratio/load", "p99 ratio/metrics");
    }

    /**
     * The case: with only a p99 gate, a target that refused every call for want of a token
     * passed, its p99 that of the refusals. Now it is a configuration error, named as such.
     */
    @Test
    void aTargetThatRefusesEveryCallIsNotAuthorisedNeverAPass() {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.locked().grpcAddress(), "--metrics", FLEET.locked().metricsAddress(),
                "--max-p99", "10s", "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).matches("bg-kube: the analysis is not authorised: target \\(load\\): ([0-9,]+) of \\1 calls "
                + "refused \\(UNAUTHENTICATED \\1\\); no token was sent: set ANALYSIS_TOKEN \\(or ANALYSIS_TOKEN_FILE\\)\n");
        assertThat(json).doesNotExist();
    }

    /**
     * Latency and throughput are the OK calls': a target whose every call fails at its deadline has
     * no p99 to pass a p99 gate with, and the error ceiling fails it with no error gate set.
     */
    @Test
    void failedCallsNeverMakeATargetLookGood() throws Exception {
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = CommandLineRun.analyze(List.of("--duration", "3s", "--warm-up", "1s", "--users", "3",
                        "--spawn-rate", "3", "--wait-time", "constant:50ms", "--deadline", "300ms"),
                "--target", FLEET.slow().grpcAddress(), "--max-p99", "10s", "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.err()).isEqualTo("bg-kube: analysis failed: p99 (load) n/a, limit <= 10000.0 ms; "
                + "error ceiling (load) 100.00%, limit <= 5.00%\n");
        JsonNode target = new ObjectMapper().readTree(json.toFile()).path("target");
        assertThat(target.path("errors").path("DEADLINE_EXCEEDED").asLong()).isEqualTo(target.path("calls").asLong())
                .isPositive();
        assertThat(target.path("p99_ms").isNull()).as("no OK call, no latency").isTrue();
    }

    @Test
    void aTokenFromAFileAuthorisesTheAnalysis() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TodoApiFleet.TOKEN + "\n");
        Path json = dir.resolve("verdict.json");

        TestProject.Run run = analyze("--target", FLEET.tokened().grpcAddress(), "--metrics", FLEET.tokened().metricsAddress(),
                "--max-error-rate", "5%", "--token-file", tokenFile.toString(), "--json", json.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("calls with the token from " + tokenFile + " (--token-file)")
                .doesNotContain(TodoApiFleet.TOKEN);
        JsonNode metrics = new ObjectMapper().readTree(json.toFile()).path("target").path("metrics");
        assertThat(metrics.path("calls_by_code").path("OK").asLong()).isPositive();
        assertThat(metrics.path("calls_by_code").has("UNAUTHENTICATED")).isFalse();
    }

    /**
     * bg-kube as a process with ANALYSIS_TOKEN in its environment: the analysis passes against the
     * todo-api that wants that token, and while it runs no process of it (bg-kube, the load
     * generators) has the token on its command line, which every user of the machine can read.
     */
    @Test
    void theTokenReachesNoCommandLine() throws Exception {
        List<String> argv = new ArrayList<>(List.of("analyze", "--loadtest-jar", ProjectJars.loadtest().toString()));
        argv.addAll(LOAD);
        argv.addAll(List.of("--target", FLEET.tokened().grpcAddress(), "--max-error-rate", "5%"));
        Set<String> commandLines = new TreeSet<>();
        int exitCode;
        try (ChildProcess bgKube = ChildJvm.mainClassOnCurrentClasspath(BgKube.class.getName()).name("bg-kube-analyze")
                .env("ANALYSIS_TOKEN", TodoApiFleet.TOKEN).logFile(dir.resolve("bg-kube.log")).args(argv).start()) {
            while (bgKube.isAlive()) {
                // An exiting process's command line reads empty: only what a running one shows counts.
                Stream.concat(Stream.of(bgKube.handle()), bgKube.handle().descendants()).forEach(process ->
                        commandLine(process.pid()).filter(line -> !line.isBlank()).ifPresent(commandLines::add));
                Thread.sleep(20);
            }
            exitCode = bgKube.waitFor(Duration.ofSeconds(10));
            assertThat(exitCode).as(bgKube.tail()).isZero();
            assertThat(bgKube.output()).contains("verdict: PASS");
        }
        assertThat(commandLines).as("the analysis's load generator, seen running")
                .anySatisfy(line -> assertThat(line).contains("loadtest.jar").contains(FLEET.tokened().grpcAddress()));
        assertThat(commandLines).as("every command line of bg-kube and its children")
                .noneSatisfy(line -> assertThat(line).contains(TodoApiFleet.TOKEN));
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

    /** The process's command line as /proc shows it to every user (arguments separated by spaces); empty once it is gone. */
    private static Optional<String> commandLine(long pid) {
        try {
            return Optional.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
