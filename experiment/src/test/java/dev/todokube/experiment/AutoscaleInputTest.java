package dev.todokube.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code --autoscale} cannot rehearse ends it before anything starts: exit code 2 and one line
 * naming the file and the field, or why this machine cannot run pods in their limits.
 */
class AutoscaleInputTest {

    private static final Path ROOT = ProjectJars.root();

    @TempDir
    Path dir;

    @Test
    void anHpaOnAnotherMetricIsNamedByFileAndField() throws Exception {
        Path hpa = Files.writeString(dir.resolve("hpa.yaml"), """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: todo-api}
                spec:
                  maxReplicas: 10
                  metrics:
                    - type: External
                      external: {metric: {name: queue_depth}, target: {type: AverageValue, averageValue: 30}}
                """);
        assertRefused(List.of("--autoscale", "--hpa", hpa.toString()),
                hpa + ": spec.metrics[0] is a External metric; the rehearsal measures only Resource cpu");
    }

    @Test
    void aPodWithoutACpuRequestIsNamedByFileAndField() throws Exception {
        String deployment = Files.readString(ROOT.resolve("kubernetes/deployment.yaml"))
                .replace("              cpu: $CPU_REQUEST\n", "");
        Path file = Files.writeString(dir.resolve("deployment.yaml"), deployment);
        assertRefused(List.of("--article", "--deployment", file.toString()), file
                + ": spec.template.spec.containers[0].resources.requests.cpu is missing (the HPA measures utilisation as"
                + " CPU used over this request)");
    }

    @Test
    void aLimitBelowTheRequestIsNamedByFileAndField() throws Exception {
        Path env = Files.writeString(dir.resolve(".env.prod"), Files.readString(ROOT.resolve(".env.prod"))
                .replace("CPU_LIMIT=500m", "CPU_LIMIT=50m"));
        assertRefused(List.of("--autoscale", "--env-file", env.toString()), ROOT.resolve("kubernetes/deployment.yaml")
                + ": spec.template.spec.containers[0].resources.limits.cpu 50m is below the request 100m"
                + " (Kubernetes rejects such a pod)");
    }

    /** A real user other than root (nobody), allowed to read the build's files but not to create a cgroup. */
    @Test
    void withoutRootItSaysSoInOneLine() throws Exception {
        Path logs = ProcessLogs.dir(AutoscaleInputTest.class);
        try (ChildProcess experiment = ChildJvm.mainClassOnCurrentClasspath(ExperimentCommand.class.getName())
                .name("experiment-as-nobody")
                .wrappedIn("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search")
                .logFile(logs.resolve("as-nobody.log")).errorFile(logs.resolve("as-nobody.err"))
                .args("--project-dir", ROOT.toString(), "--reports", dir.toString(), "--autoscale")
                .start()) {
            assertThat(experiment.waitFor(Duration.ofSeconds(60))).as("exit code; output:\n" + experiment.output()
                    + experiment.errorOutput()).isEqualTo(2);
            assertThat(experiment.errorOutput()).isEqualTo("experiment: --autoscale runs each pod within its CPU and "
                    + "memory limits and cannot here: in-pod-budget: needs root to create a cgroup (run as root, or "
                    + "without a pod budget)" + System.lineSeparator());
        }
        try (var created = Files.list(dir)) {
            assertThat(created).as("nothing written").isEmpty();
        }
    }

    private static void assertRefused(List<String> options, String message) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = ExperimentCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("--project-dir", ROOT.toString()));
        args.addAll(options);

        int exit = commandLine.execute(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("experiment: " + message + System.lineSeparator());
    }
}
