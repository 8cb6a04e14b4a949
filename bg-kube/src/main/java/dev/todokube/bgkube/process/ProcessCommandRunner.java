package dev.todokube.bgkube.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Runs commands as child processes, echoing each output line to the log while keeping it. */
public final class ProcessCommandRunner implements CommandRunner {

    private final Consumer<String> log;

    public ProcessCommandRunner(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public Result run(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(true);
        builder.environment().putAll(command.environment());
        try {
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                if (command.stdin().isPresent()) {
                    stdin.write(command.stdin().get().getBytes(StandardCharsets.UTF_8));
                }
            }
            StringBuilder output = new StringBuilder();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.accept("  | " + line);
                    output.append(line).append('\n');
                }
            }
            return new Result(process.waitFor(), output.toString());
        } catch (IOException e) {
            return new Result(127, "cannot run " + command.argv().get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }
}
