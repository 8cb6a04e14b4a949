package dev.todokube.bgkube.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes: output echoed or hidden, standard input, and the timeout. */
@Timeout(30)
class ProcessCommandRunnerTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ProcessCommandRunner runner = new ProcessCommandRunner(log::add);

    @Test
    void outputIsEchoedAndKept() {
        CommandRunner.Result result = runner.run(CommandRunner.Command.of(List.of("sh", "-c", "echo one; echo two >&2; exit 3")));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("one\ntwo\n");
        assertThat(log).containsExactly("  | one", "  | two");
    }

    @Test
    void aCredentialCommandsOutputIsKeptButNeverLogged() {
        CommandRunner.Result result = runner.run(CommandRunner.Command.of(List.of("sh", "-c", "echo tok-3n-value; echo more"))
                .withCredentialOutput());

        assertThat(result.output()).isEqualTo("tok-3n-value\nmore\n");
        assertThat(log).containsExactly("  | (output of sh hidden: it is a credential)");
    }

    /** A CLI warning on standard error (aws prints them) must not become part of a registry password. */
    @Test
    void aCredentialIsTheStandardOutputAlone() {
        CommandRunner.Result result = runner.run(CommandRunner.Command.of(List.of("sh", "-c",
                "echo 'WARNING: your CLI is out of date' >&2; echo pw-3n-value")).withCredentialOutput());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.output()).isEqualTo("pw-3n-value\n");
        assertThat(log).containsExactly("  | (output of sh hidden: it is a credential)");
    }

    @Test
    void aFailedCredentialCommandsStandardErrorIsLoggedWithTheCredentialMasked() {
        CommandRunner.Result result = runner.run(CommandRunner.Command.of(List.of("sh", "-c",
                "echo pw-3n-value; echo 'error: pw-3n-value expired' >&2; echo 'try again' >&2; exit 255"))
                .withCredentialOutput());

        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(log).containsExactly("  | (output of sh hidden: it is a credential)",
                "  | (standard error of sh, its output masked as ***)", "  | error: *** expired", "  | try again");
    }

    @Test
    void aCommandPastItsTimeoutIsStoppedWithAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        CommandRunner.Command command = CommandRunner.Command.of(List.of("sh", "-c", "echo $$ > " + pidFile + "; sleep 60"))
                .withTimeout(Duration.ofMillis(500));

        assertThatThrownBy(() -> runner.run(command)).isInstanceOf(ClusterException.class)
                .hasMessage("command 'sh -c echo $$ > " + pidFile + "; sleep 60' did not finish within 500ms and was stopped "
                        + "(raise --command-timeout, COMMAND_TIMEOUT)");

        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("stopped").isNotEqualTo(java.util.Optional.of(true));
    }
}
