package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cli.BgKube;
import dev.todokube.bgkube.cli.Toolbox;
import dev.todokube.testkit.process.ProjectJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the bg-kube command line in this JVM with the production toolbox, for commands that need no cluster. */
public final class CommandLineRun {

    private CommandLineRun() {
    }

    public static TestProject.Run execute(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = BgKube.commandLine(toolbox(out, err)).execute(argv);
        return new TestProject.Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code analyze} with the project's loadtest jar, the given load shape options, then {@code args}. */
    public static TestProject.Run analyze(List<String> loadShape, String... args) {
        return execute(analyzeArgv(loadShape, args));
    }

    /** As {@link #analyze}, on a thread of its own: its output can be read while it runs. */
    public static Running startAnalyze(List<String> loadShape, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = analyzeArgv(loadShape, args);
        CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                exitCode.complete(BgKube.commandLine(toolbox(out, err)).execute(argv));
            } catch (RuntimeException | Error e) {
                exitCode.completeExceptionally(e);
            }
        }, "bg-kube-analyze");
        thread.start();
        return new Running(exitCode, out, err);
    }

    private static String[] analyzeArgv(List<String> loadShape, String... args) {
        List<String> argv = new ArrayList<>(List.of("analyze", "--loadtest-jar", ProjectJars.loadtest().toString()));
        argv.addAll(loadShape);
        argv.addAll(List.of(args));
        return argv.toArray(String[]::new);
    }

    private static Toolbox toolbox(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return Toolbox.production(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** A command line running in this JVM. */
    public static final class Running {

        private final CompletableFuture<Integer> exitCode;
        private final ByteArrayOutputStream out;
        private final ByteArrayOutputStream err;

        private Running(CompletableFuture<Integer> exitCode, ByteArrayOutputStream out, ByteArrayOutputStream err) {
            this.exitCode = exitCode;
            this.out = out;
            this.err = err;
        }

        /** Waits until its output has a line starting with {@code prefix}; false if it ended or the time passed first. */
        public boolean awaitLineStartingWith(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !exitCode.isDone()) {
                if (out.toString(StandardCharsets.UTF_8).lines().anyMatch(line -> line.startsWith(prefix))) {
                    return true;
                }
                Thread.sleep(50);
            }
            return out.toString(StandardCharsets.UTF_8).lines().anyMatch(line -> line.startsWith(prefix));
        }

        /** Its exit code and output, once it has ended. */
        public TestProject.Run result(Duration timeout) {
            try {
                int code = exitCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new TestProject.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while bg-kube ran", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("bg-kube did not end: " + e + "; its output so far:\n"
                        + out.toString(StandardCharsets.UTF_8), e);
            }
        }
    }
}
