package dev.todokube.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.experiment.fixtures.Await;
import dev.todokube.experiment.fixtures.LoadSummary;
import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The main job as a user runs it: replicas, load, report, and nothing left running afterwards. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ExperimentCommandTest {

    private static final Pattern REPORT = Pattern.compile("HTML report: (\\S+)");
    private static final Pattern LOAD_STARTED = Pattern.compile("^Load: java -jar ");

    @Test
    void runsTheLoadAgainstTwoReplicasWritesTheReportAndStopsEverything() throws Exception {
        ProjectJars.todoApi();
        ProjectJars.loadtest();
        try (ChildProcess experiment = experiment("experiment-short", "--run-time", "4s")) {
            List<ProcessHandle> children = childrenOnceLoadStarted(experiment);
            assertThat(experiment.waitFor(Duration.ofSeconds(120))).as("exit code; output:\n" + experiment.tail()).isZero();

            String output = experiment.output();
            assertThat(output).contains("todo-api-1", "todo-api-2", "grpcurl -plaintext 127.0.0.1:");
            assertThat(output).containsPattern("Warmed up todo-api-1: [\\d,]+ GetTodos calls in [\\d.]+ s \\(0 failed\\)");
            MatchResult report = experiment.findLine(REPORT).orElseThrow(
                    () -> new AssertionError("no report path printed:\n" + experiment.tail()));
            Path html = Path.of(java.net.URI.create(report.group(1)));
            assertThat(html).isRegularFile().isNotEmptyFile();
            LoadSummary totals = LoadSummary.read(html.resolveSibling("totals.json"));
            assertThat(totals.requests()).isPositive();
            assertThat(totals.failures()).as("failures; errors %s", totals.errors()).isZero();
            try (Stream<Path> csv = Files.list(html.getParent())) {
                assertThat(csv.map(p -> p.getFileName().toString())).anyMatch(name -> name.endsWith(".csv"));
            }
            assertAllExited(children);
        }
    }

    /** Also runs the replicas in a real cgroup budget, as ./run-experiment --pod-cpu --pod-memory does. */
    @Test
    void sigtermStopsEveryProcessItStartedAlsoInsideAPodBudget() throws Exception {
        try (ChildProcess experiment = experiment("experiment-sigterm", "--run-time", "5m",
                "--pod-cpu", "500m", "--pod-memory", "192Mi")) {
            List<ProcessHandle> children = childrenOnceLoadStarted(experiment);
            assertThat(experiment.output()).contains("Replicas run inside a pod budget of 500m CPU, 192Mi memory each (cgroup v");
            assertThat(children).as("todo-api replicas and the load generator").hasSizeGreaterThanOrEqualTo(3);
            experiment.terminate(Duration.ofSeconds(60));
            assertAllExited(children);
        }
    }

    private ChildProcess experiment(String name, String... extra) throws Exception {
        Path logs = ProcessLogs.dir(ExperimentCommandTest.class);
        return ChildJvm.mainClassOnCurrentClasspath(ExperimentCommand.class.getName()).name(name)
                .logFile(logs.resolve(name + ".log"))
                .args("--project-dir", ProjectJars.root().toString(), "--reports", logs.resolve(name).toString(),
                        "--users", "10", "--spawn-rate", "10", "--wait-time", "constant:100ms", "--deadline", "30s")
                .args(extra)
                .start();
    }

    private static List<ProcessHandle> childrenOnceLoadStarted(ChildProcess experiment) throws InterruptedException {
        experiment.awaitLine(LOAD_STARTED, Duration.ofSeconds(90));
        Await.until("the load generator runs", Duration.ofSeconds(30),
                () -> experiment.handle().children().count() >= 3, experiment::tail);
        return experiment.handle().children().toList();
    }

    private static void assertAllExited(List<ProcessHandle> children) throws InterruptedException {
        Await.until("every child process has exited", Duration.ofSeconds(30),
                () -> children.stream().noneMatch(ProcessHandle::isAlive),
                () -> children.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList().toString());
    }
}
