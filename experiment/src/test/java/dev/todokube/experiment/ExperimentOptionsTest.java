package dev.todokube.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.testkit.process.ProjectJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad options end before anything starts: exit code 2 and one line naming the option and the value. */
class ExperimentOptionsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--warm-up-calls -1    | --warm-up-calls must be 0 or more, got -1",
            "--replicas 0          | --replicas must be at least 1, got 0",
            "--users 0             | --users must be at least 1, got 0",
            "--spawn-rate 0        | --spawn-rate must be above 0, got 0.0",
            "--pod-cpu 100m        | --pod-cpu and --pod-memory go together (e.g. --pod-cpu 100m --pod-memory 100Mi)",
            "--pod-cpu 1x --pod-memory 100Mi | --pod-cpu '1x' is not a CPU quantity (e.g. 100m or 0.5)",
            "--pod-cpu 100m --pod-memory 100MB | --pod-memory '100MB' is not a memory quantity (e.g. 100Mi or 1Gi)",
            "--autoscale --replicas 3  | --replicas does not go with --autoscale: the HPA's minReplicas start, and it scales them",
            "--article --pod-cpu 1 --pod-memory 1Gi | --pod-cpu/--pod-memory do not go with --article: the pods' limits come from the Deployment (or the article's 100m/100Mi)",
            "--article --hpa x.yaml    | --hpa does not go with --article, which rehearses the article's autoscaler",
            "--server-command true     | --server-command needs --autoscale or --article",
            "--article --users 0       | --users must be at least 1, got 0"})
    void badOptionIsOneClearLineAndExitCode2(String option, String message) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = ExperimentCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute(option.trim().split(" "));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("experiment: " + message + System.lineSeparator());
    }

    /** A bare % in an option's description makes picocli warn on every --help and print it unformatted. */
    @Test
    void helpIsFormattedWithoutWarnings() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String usage;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            usage = ExperimentCommand.commandLine().getUsageMessage();
        } finally {
            System.setErr(original);
        }
        assertThat(usage).contains("--article", "80% CPU", "--server-command");
        assertThat(err.toString(StandardCharsets.UTF_8)).as("picocli's warnings").isEmpty();
    }

    /** Before, the folder's IOException ended the run with a stack trace. */
    @Test
    void aReportFolderThatCannotBeCreatedIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "");
        StringWriter err = new StringWriter();
        CommandLine commandLine = ExperimentCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute("--project-dir", ProjectJars.root().toString(), "--reports", file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("experiment: cannot create the report folder " + file + "/")
                .containsOnlyOnce(System.lineSeparator()).endsWith(System.lineSeparator());
    }
}
