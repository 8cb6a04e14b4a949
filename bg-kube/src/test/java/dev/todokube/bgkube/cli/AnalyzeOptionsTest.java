package dev.todokube.bgkube.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.CommandLineRun;
import dev.todokube.bgkube.testing.TestProject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code analyze}: one line naming the option (or env file key) and what was expected,
 * exit code 2, and no load sent: a listener stands in for the target and counts connections.
 */
@Timeout(30)
class AnalyzeOptionsTest {

    @TempDir
    Path dir;

    private ServerSocket target;
    private final AtomicInteger connections = new AtomicInteger();
    private Thread acceptor;

    @BeforeEach
    void listen() throws IOException {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!target.isClosed()) {
                try (Socket socket = target.accept()) {
                    connections.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "counting-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        target.close();
        acceptor.join(5_000);
    }

    private String targetAddress() {
        return "127.0.0.1:" + target.getLocalPort();
    }

    @Test
    void unknownGateOptionIsOneLine() {
        assertRejected(run("--max-p95=100ms"), "bg-kube: Unknown option: '--max-p95=100ms' (see bg-kube analyze --help)");
    }

    @Test
    void negativeThresholdsAreRejected() {
        assertRejected(run("--max-error-rate", "-0.1"),
                "bg-kube: --max-error-rate: invalid value '-0.1': expected a share of failed calls between 0 and 1 (0.01) or a percentage (1%)");
        assertRejected(run("--max-p99", "-5ms"),
                "bg-kube: --max-p99: invalid value '-5ms': expected a duration such as 250ms or 1s");
        assertRejected(run("--max-p99-ratio", "-1.2", "--baseline", targetAddress()),
                "bg-kube: --max-p99-ratio: invalid value '-1.2': expected a positive number such as 1.2");
        assertRejected(run("--min-rps", "-10"),
                "bg-kube: --min-rps: invalid value '-10': expected a number of calls per second, 0 or more");
    }

    @Test
    void otherOutOfRangeValuesAreRejected() {
        assertRejected(run("--max-error-rate", "150%"),
                "bg-kube: --max-error-rate: invalid value '150%': expected a share of failed calls between 0 and 1 (0.01) or a percentage (1%)");
        assertRejected(run("--max-p99", "0"),
                "bg-kube: --max-p99: invalid value '0': expected a duration greater than zero");
        assertRejected(run("--users", "0", "--min-rps", "1"),
                "bg-kube: --users: invalid value '0': expected a whole number of users, 1 or more");
        assertRejected(run("--tasks", "GetTodos", "--min-rps", "1"),
                "bg-kube: --tasks: invalid value 'GetTodos': expected RPC=WEIGHT pairs separated by commas, e.g. GetTodos=5,ListTodos=1");
    }

    @Test
    void helpListsTheGatesWithTheirEnvKeys() {
        TestProject.Run run = CommandLineRun.execute("analyze", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("--max-error-rate=R Gate: largest share of failed calls, "
                + "0.01 or 1%. [ANALYSIS_MAX_ERROR_RATE]").contains("--max-p99-ratio=X").contains("[ANALYSIS_MIN_RPS]");
    }

    @Test
    void theWatchIsNoOptionOfAnalyze() {
        assertRejected(run("--watch=1m", "--max-error-rate", "1%"),
                "bg-kube: Unknown option: '--watch=1m' (see bg-kube analyze --help)");
    }

    @Test
    void ratioGateWithoutBaselineIsRejected() {
        assertRejected(run("--max-p99-ratio", "1.2"), "bg-kube: --max-p99-ratio needs --baseline: a ratio gate "
                + "compares the target with a baseline measured in the same run");
    }

    @Test
    void malformedAddressesAreRejected() {
        assertRejected(CommandLineRun.execute("analyze", "--target", "localhost", "--max-error-rate", "1%"),
                "bg-kube: --target: 'localhost' is not HOST:PORT (a port from 1 to 65535)");
        assertRejected(run("--baseline", "127.0.0.1:70000"),
                "bg-kube: --baseline: '127.0.0.1:70000' is not HOST:PORT (a port from 1 to 65535)");
        assertRejected(run("--metrics", "ftp://127.0.0.1/metrics"),
                "bg-kube: --metrics: 'ftp://127.0.0.1/metrics' is neither an http(s) URL nor HOST:PORT");
    }

    @Test
    void prometheusOptionsAreCheckedBeforeAnyLoad() {
        assertRejected(run("--prometheus", "http://127.0.0.1:9090"), "bg-kube: --prometheus needs --prometheus-selector: "
                + "the labels of the target's scrape targets, e.g. 'job=\"todo-api\",color=\"green\"'");
        assertRejected(run("--prometheus-selector", "job=\"todo-api\""), "bg-kube: --prometheus-selector needs --prometheus");
        assertRejected(run("--prometheus", "prometheus:9090", "--prometheus-selector", "job=\"todo-api\""),
                "bg-kube: --prometheus: 'prometheus:9090' is not an http(s) URL");
        assertRejected(run("--prometheus", "http://127.0.0.1:9090", "--prometheus-selector", "todo-api"),
                "bg-kube: --prometheus-selector: 'todo-api' is not a label selector such as 'job=\"todo-api\",color=\"green\"'");
        assertRejected(run("--prometheus", "http://127.0.0.1:9090", "--prometheus-selector", "job=\"todo-api\"",
                "--baseline-prometheus-selector", "color=\"blue\""), "bg-kube: --baseline-prometheus-selector needs --baseline");
    }

    @Test
    void unknownAnalysisKeyInTheEnvFileIsRejected() throws IOException {
        Path envFile = dir.resolve(".env.analysis");
        Files.writeString(envFile, "ANALYSIS_MAX_P99=250ms\nANALYSIS_MAX_P95=100ms\n");

        TestProject.Run run = CommandLineRun.execute("analyze", "--env-file", envFile.toString(),
                "--target", targetAddress());

        assertRejected(run, "bg-kube: ANALYSIS_MAX_P95 in " + envFile + ": unknown analysis key; the known ones are "
                + "ANALYSIS_DURATION, ANALYSIS_USERS, ANALYSIS_SPAWN_RATE, ANALYSIS_TASKS, ANALYSIS_WAIT_TIME, "
                + "ANALYSIS_WARM_UP, ANALYSIS_DEADLINE, ANALYSIS_WATCH, ANALYSIS_WATCH_BLIND, ANALYSIS_LOADTEST_JAR, "
                + "ANALYSIS_TOKEN_FILE, ANALYSIS_ERROR_CEILING, ANALYSIS_MAX_ERROR_RATE, ANALYSIS_MAX_P99, "
                + "ANALYSIS_MAX_P99_RATIO, ANALYSIS_MIN_RPS");
    }

    @Test
    void badJsonDirectoryIsRejectedBeforeAnyLoad() {
        assertRejected(run("--max-error-rate", "1%", "--json", dir.resolve("missing/verdict.json").toString()),
                "bg-kube: --json: cannot write " + dir.resolve("missing/verdict.json")
                        + ": its directory does not exist or is not writable");
    }

    @Test
    void missingLoadtestJarIsRejected() {
        Path missing = dir.resolve("loadtest.jar");
        TestProject.Run run = CommandLineRun.execute("analyze", "--target", targetAddress(), "--max-error-rate", "1%",
                "--loadtest-jar", missing.toString());

        assertRejected(run, "bg-kube: --loadtest-jar: invalid value '" + missing + "': expected an existing file");
    }

    private TestProject.Run run(String... args) {
        List<String> argv = new ArrayList<>(List.of("analyze", "--target", targetAddress()));
        argv.addAll(List.of(args));
        return CommandLineRun.execute(argv.toArray(String[]::new));
    }

    private void assertRejected(TestProject.Run run, String line) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(line + "\n");
        assertThat(run.out()).isEmpty();
        assertThat(connections).hasValue(0);
    }
}
