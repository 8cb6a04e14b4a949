package dev.todokube.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.experiment.fixtures.Await;
import dev.todokube.experiment.fixtures.LoadSummary;
import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --autoscale} as a user runs it, on the project's Deployment with a test env file (pods of
 * 100m request within 200m, connections renewed every 5 s) and an HPA whose 10% target any load
 * exceeds, so the first sync scales up whatever the machine's load: real pods in real cgroups, the real
 * load generator following the endpoints file, the report at the end. Needs root (a cgroup), as CI has.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AutoscaleCommandTest {

    private static final Pattern AUTOSCALING_REPORT = Pattern.compile("Autoscaling report: (\\S+)");
    private static final Pattern AUTOSCALING_STARTED = Pattern.compile("\\] hpa  1 to 3 replicas at 10% CPU");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scalesUpUnderLoadServesWithoutAFailureAndReports() throws Exception {
        ProjectJars.loadtest();
        Path logs = ProcessLogs.dir(AutoscaleCommandTest.class);
        try (ChildProcess experiment = experiment(logs, "autoscale-run", "--run-time", "30s")) {
            assertThat(experiment.waitFor(Duration.ofSeconds(200))).as("exit code; output:\n" + experiment.tail()).isZero();

            Path html = report(experiment);
            assertThat(html).isNotEmptyFile();
            JsonNode summary = JSON.readTree(html.resolveSibling("autoscaling.json").toFile());
            assertThat(StreamSupport.stream(summary.get("decisions").spliterator(), false)
                    .filter(decision -> decision.get("to").asInt() > decision.get("from").asInt()))
                    .as("scale-ups in %s", summary.get("decisions")).isNotEmpty();
            assertThat(summary.get("pods").size()).as("pods created").isGreaterThanOrEqualTo(2);
            assertThat(experiment.output()).containsPattern("hpa  Normal  SuccessfulRescale  New size: [23]; reason: "
                    + "cpu resource utilization \\(percentage of request\\) above target").contains("todo-api-2: created");
            LoadSummary totals = LoadSummary.read(html.resolveSibling("totals.json"));
            assertThat(totals.requests()).isPositive();
            assertThat(totals.failures()).as("failed calls while pods joined; errors %s", totals.errors()).isZero();
        }
    }

    /** Also runs another server in the pods (todo-api's jar on this JVM, marked), as --server-command does. */
    @Test
    void sigtermStopsEveryPodAndTheGeneratorAndReportsWhatItSaw() throws Exception {
        String marker = "-Dtodokube.test=server-command";
        String server = ProcessHandle.current().info().command().orElse("java") + " " + marker + " -jar "
                + ProjectJars.todoApi();
        Path logs = ProcessLogs.dir(AutoscaleCommandTest.class);
        try (ChildProcess experiment = experiment(logs, "autoscale-sigterm", "--run-time", "5m",
                "--server-command", server)) {
            experiment.awaitLine(AUTOSCALING_STARTED, Duration.ofSeconds(150));
            Await.until("the load generator runs", Duration.ofSeconds(30),
                    () -> experiment.handle().descendants().anyMatch(p -> commandLine(p).contains("loadtest.jar")),
                    experiment::tail);
            List<ProcessHandle> descendants = experiment.handle().descendants().toList();
            assertThat(descendants).as("a pod runs the server command").anyMatch(p -> commandLine(p).contains(marker));

            experiment.terminate(Duration.ofSeconds(90));

            Await.until("every pod and the load generator have exited", Duration.ofSeconds(30),
                    () -> descendants.stream().noneMatch(ProcessHandle::isAlive),
                    () -> descendants.stream().filter(ProcessHandle::isAlive).map(AutoscaleCommandTest::commandLine)
                            .toList().toString());
            Path html = report(experiment);
            assertThat(html).isNotEmptyFile();
            assertThat(html.resolveSibling("autoscaling.json")).isNotEmptyFile();
        }
    }

    private static ChildProcess experiment(Path logs, String name, String... extra) throws Exception {
        Path dir = Files.createDirectories(logs.resolve(name + "-manifests"));
        Path env = Files.writeString(dir.resolve(".env"), """
                REPLICAS=1
                CPU_REQUEST=100m
                CPU_LIMIT=200m
                MEMORY_REQUEST=192Mi
                MEMORY_LIMIT=192Mi
                DB_TYPE=memory
                DB_NAME=TodosDB
                DB_TIMEOUT=2s
                SHUTDOWN_GRACE=5s
                MAX_CONNECTION_AGE=5s
                MAX_CONNECTION_AGE_GRACE=2s
                API_JAVA_OPTS=
                PRESTOP_SLEEP_SECONDS=1
                TERMINATION_GRACE_SECONDS=15
                """);
        Path hpa = Files.writeString(dir.resolve("hpa.yaml"), """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: todo-api}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: todo-api}
                  minReplicas: $REPLICAS
                  maxReplicas: 3
                  metrics:
                    - type: Resource
                      resource: {name: cpu, target: {type: Utilization, averageUtilization: 10}}
                """);
        return ChildJvm.mainClassOnCurrentClasspath(ExperimentCommand.class.getName()).name(name)
                .logFile(logs.resolve(name + ".log"))
                .args("--project-dir", ProjectJars.root().toString(), "--reports", logs.resolve(name).toString(),
                        "--autoscale", "--hpa", hpa.toString(), "--env-file", env.toString(),
                        "--users", "20", "--spawn-rate", "20", "--wait-time", "constant:20ms", "--deadline", "30s",
                        "--warm-up-calls", "0")
                .args(extra)
                .start();
    }

    private static Path report(ChildProcess experiment) {
        return Path.of(URI.create(experiment.findLine(AUTOSCALING_REPORT).orElseThrow(
                () -> new AssertionError("no autoscaling report printed:\n" + experiment.tail())).group(1)));
    }

    private static String commandLine(ProcessHandle process) {
        return process.info().commandLine().orElse("");
    }
}
