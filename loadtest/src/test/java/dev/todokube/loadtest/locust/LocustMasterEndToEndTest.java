package dev.todokube.loadtest.locust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.loadtest.fixtures.Csv;
import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.loadtest.runner.ChannelMode;
import dev.todokube.loadtest.runner.Transport;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.testkit.locust.LocustMaster;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real Locust master (Debian's python3-locust) drives one Java worker against a real gRPC server. */
class LocustMasterEndToEndTest {

    private static final Path LOCUSTFILE = Path.of(System.getProperty("loadtest.locustfile", "locustfile.py"));

    @Test
    @Timeout(90)
    void masterCsvShowsTheWorkersRequestsFailuresAndPercentiles(@TempDir Path dir) throws Exception {
        try (TodosTestServer server = TodosTestServer.start().failEvery(5, Status.UNAVAILABLE);
             LocustMaster master = LocustMaster.start(LocustMaster.Options.of(LOCUSTFILE, dir)
                     .users(4).spawnRate(4).runTime(Duration.ofSeconds(8)).host(server.address())
                     .extraArgs(List.of("--grpc-tasks", "GetTodos=1,ListTodos=1", "--grpc-wait-time", "constant:50ms")))) {
            WorkerSettings settings = WorkerSettings.of("127.0.0.1", master.port(), Optional.empty(),
                    Transport.plaintext(), new ChannelMode.Shared(2), UserProfile.defaults().withDeadline(Duration.ofSeconds(20)));
            LocustWorker worker = new LocustWorker(settings, Clock.systemUTC());
            try {
                worker.start();
                int exitCode = master.awaitExit(Duration.ofSeconds(60));
                assertThat(worker.awaitTermination(Duration.ofSeconds(10)))
                        .as("the worker ends when the master says quit").isTrue();
                assertThat(exitCode).as("Locust exits with 1 when requests failed; log: %s", master.output()).isEqualTo(1);
                // The worker's client_ready carries -1, "any version": accepted, with no version warning.
                assertThat(master.output()).contains("reported as ready").doesNotContain("pre 2.0")
                        .doesNotContain("different version");
            } finally {
                worker.close();
            }

            List<Map<String, String>> stats = Csv.read(master.statsCsv());
            assertThat(stats).extracting(row -> row.get("Name")).containsExactly("GetTodos", "ListTodos", "Aggregated");
            for (Map<String, String> row : stats.subList(0, 2)) {
                String name = row.get("Name");
                long requests = Long.parseLong(row.get("Request Count"));
                long failures = Long.parseLong(row.get("Failure Count"));
                assertThat(row.get("Type")).isEqualTo("grpc");
                assertThat(requests).as(name).isPositive().isLessThanOrEqualTo(server.calls(name));
                // The server fails every 5th call per method; the master saw the calls completed up to
                // some moment, i.e. a prefix in arrival order give or take the 4 users' calls in flight.
                assertThat(failures).as(name).isBetween(requests / 5 - 4, requests / 5 + 4).isPositive();
                assertThat(Long.parseLong(row.get("50%"))).as(name).isNotNegative();
                assertThat(Long.parseLong(row.get("100%"))).as(name).isGreaterThanOrEqualTo(Long.parseLong(row.get("50%")));
            }
            Map<String, String> total = stats.get(2);
            assertThat(Long.parseLong(total.get("Request Count"))).isEqualTo(
                    Long.parseLong(stats.get(0).get("Request Count")) + Long.parseLong(stats.get(1).get("Request Count")));

            List<Map<String, String>> failures = Csv.read(master.failuresCsv());
            assertThat(failures).extracting(row -> row.get("Name")).containsExactlyInAnyOrder("GetTodos", "ListTodos");
            assertThat(failures).allSatisfy(row -> {
                assertThat(row.get("Method")).isEqualTo("grpc");
                assertThat(row.get("Error")).contains("UNAVAILABLE");
                assertThat(Long.parseLong(row.get("Occurrences"))).isPositive();
            });
        }
    }

    /**
     * At the end of a headless run Locust's master sends quit and listens for half a second more;
     * the worker's last report must make it, including the calls it recorded since the previous
     * report, while slow calls are still in flight.
     *
     * <p>Why the totals must be equal: the server answers calls after 1 s, and from a moment on
     * holds every answer. A user starts its next call only after it recorded the previous one, so
     * once 20 calls are held, every one of the 20 users has recorded every answer it got: every
     * OK the server sent is in the worker's stats, and nothing completes after that. The master is
     * then stopped with SIGTERM, which takes the same path as the end of {@code -t} (quit to the
     * workers, half a second, the summary) at a moment the test knows. The worker's periodic
     * report is set to a minute, so every call travels in the final report.
     */
    @Test
    @Timeout(120)
    void everyCallTheServerCompletedReachesTheMastersFinalTotals(@TempDir Path dir) throws Exception {
        int users = 20;
        try (TodosTestServer server = TodosTestServer.start().delay(1000);
             LocustMaster master = LocustMaster.start(LocustMaster.Options.of(LOCUSTFILE, dir)
                     .users(users).spawnRate(users).runTime(Duration.ofSeconds(100)).host(server.address())
                     .extraArgs(List.of("--grpc-wait-time", "constant:0ms")))) {
            WorkerSettings settings = new WorkerSettings("127.0.0.1", master.port(), Optional.empty(),
                    Transport.plaintext(), new ChannelMode.Shared(2), UserProfile.defaults().withDeadline(Duration.ofSeconds(30)),
                    WorkerSettings.DEFAULT_USER_CLASS, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(5),
                    Duration.ofSeconds(60));
            LocustWorker worker = new LocustWorker(settings, Clock.systemUTC());
            try {
                worker.start();
                awaitAtLeast(() -> server.okAnswers("GetTodos"), 2L * users, "OK answers");
                server.holdAnswers();
                awaitAtLeast(server::heldCalls, users, "held calls");
                master.terminate();
                master.awaitExit(Duration.ofSeconds(30));
                assertThat(worker.awaitTermination(Duration.ofSeconds(20))).as("the worker ends on quit").isTrue();
            } finally {
                worker.close();
            }
            LocustMaster.SummaryRow getTodos = master.finalSummary().stream()
                    .filter(row -> row.name().equals("GetTodos")).findFirst()
                    .orElseThrow(() -> new AssertionError("no GetTodos row in " + master.output()));
            assertThat(getTodos.failures()).isZero();
            assertThat(getTodos.requests()).as("the master's final total; its log: %s", master.log())
                    .isEqualTo(server.okAnswers("GetTodos"));
        }
    }

    private static void awaitAtLeast(java.util.function.LongSupplier count, long wanted, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.getAsLong() < wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + count.getAsLong() + " of " + wanted + " within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /** The worker command line, as the Kubernetes pods run it: joins, runs, and exits 0 when the master quits. */
    @Test
    @Timeout(90)
    void workerCommandRunsUntilTheMasterSaysQuit(@TempDir Path dir) throws Exception {
        try (TodosTestServer server = TodosTestServer.start();
             LocustMaster master = LocustMaster.start(LocustMaster.Options.of(LOCUSTFILE, dir)
                     .users(2).spawnRate(2).runTime(Duration.ofSeconds(4)))) {
            Path workerLog = dir.resolve("worker.log");
            Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.todokube.loadtest.cli.Main", "worker",
                    "--master-host", "127.0.0.1", "--master-port", Integer.toString(master.port()),
                    "--host", server.address(), "--wait-time", "constant:50ms", "--channels", "shared:1")
                    .redirectErrorStream(true).redirectOutput(workerLog.toFile()).start();
            try {
                master.awaitExit(Duration.ofSeconds(60));
                assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("worker exits after quit").isTrue();
                assertThat(worker.exitValue()).isZero();
            } finally {
                worker.destroyForcibly();
            }
            String log = Files.readString(workerLog);
            assertThat(log).contains("Connected to the Locust master at 127.0.0.1:" + master.port(),
                    "Running 2 users against " + server.address(), "The Locust master said quit");
            // The summary Locust prints after quit includes the worker's final report; its CSV
            // file is rewritten once a second and may be older than that report.
            long masterCount = master.finalSummary().stream().filter(row -> row.name().equals("GetTodos"))
                    .mapToLong(LocustMaster.SummaryRow::requests).sum();
            assertThat(masterCount).isPositive().isLessThanOrEqualTo(server.calls("GetTodos"));
        }
    }
}
