package dev.todokube.bgkube.process;

import dev.todokube.bgkube.ClusterException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs commands as child processes, echoing each output line to the log while keeping it, and stops
 * a command at its timeout. A credential command's standard output alone is kept, never echoed (it
 * is the credential: a warning on standard error must not become part of a password); its standard
 * error is logged only when it fails, with every line of the credential masked.
 */
public final class ProcessCommandRunner implements CommandRunner {

    private final Consumer<String> log;

    public ProcessCommandRunner(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public Result run(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(!command.credentialOutput());
        builder.environment().putAll(command.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(127, "cannot run " + command.argv().get(0) + ": " + e.getMessage());
        }
        // The output is read on its own thread, so a command that never ends cannot block past its timeout.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process, command));
        CompletableFuture<String> errors = command.credentialOutput()
                ? CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()))
                : CompletableFuture.completedFuture("");
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                if (command.stdin().isPresent()) {
                    stdin.write(command.stdin().get().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command exited without reading its input; its exit code says how it went.
            }
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                throw new ClusterException("command '" + command + "' did not finish within " + text(command.timeout())
                        + " and was stopped (raise --command-timeout, COMMAND_TIMEOUT)");
            }
            String text = output.get(10, TimeUnit.SECONDS);
            if (process.exitValue() != 0 && command.credentialOutput()) {
                logMasked(command, errors.get(10, TimeUnit.SECONDS), text);
            }
            return new Result(process.exitValue(), text);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        } catch (ExecutionException | TimeoutException e) {
            // The command ended but a child it left behind still holds its output open.
            stop(process);
            return new Result(process.exitValue(), "(output unreadable: " + e + ")");
        }
    }

    private String read(Process process, Command command) {
        StringBuilder output = new StringBuilder();
        boolean announced = false;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!command.credentialOutput()) {
                    log.accept("  | " + line);
                } else if (!announced) {
                    log.accept("  | (output of " + command.argv().get(0) + " hidden: it is a credential)");
                    announced = true;
                }
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output.toString();
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A failed credential command's standard error, each line of its output (the credential) masked. */
    private void logMasked(CommandRunner.Command command, String errors, String credential) {
        if (errors.isBlank()) {
            return;
        }
        log.accept("  | (standard error of " + command.argv().get(0) + ", its output masked as ***)");
        List<String> secrets = credential.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        for (String line : errors.split("\n")) {
            String masked = line;
            for (String secret : secrets) {
                masked = masked.replace(secret, "***");
            }
            log.accept("  | " + masked);
        }
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    /** Stops the command and anything it started (sh -c runs the real program as a child). */
    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
