package dev.todokube.bgkube.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A bg-kube command running in the background whose smoke tests wait (at most 40 s) until the test
 * lets them finish: a release held in the middle of a step, to act on the cluster or the process meanwhile.
 */
public final class PausedCommand {

    private final Path proceed;
    private final CompletableFuture<TestProject.Run> run;

    private PausedCommand(Path proceed, CompletableFuture<TestProject.Run> run) {
        this.proceed = proceed;
        this.run = run;
    }

    /** Starts the command and returns once its smoke tests run (or it ended before them). */
    public static PausedCommand inSmokeTests(TestProject project, MockCluster cluster, String... args) {
        Path started = project.dir().resolve("smoke-started");
        Path proceed = project.dir().resolve("smoke-proceed");
        project.set("SMOKE_TESTS_COMMAND", "touch " + started + "; i=0; while [ ! -f " + proceed
                + " ] && [ $i -lt 400 ]; do sleep 0.1; i=$((i+1)); done");
        CompletableFuture<TestProject.Run> run = CompletableFuture.supplyAsync(() -> project.run(cluster, args));
        while (!Files.exists(started) && !run.isDone()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the smoke tests to start", e);
            }
        }
        return new PausedCommand(proceed, run);
    }

    /** Lets the smoke tests finish (they pass) and returns the command's result. */
    public TestProject.Run proceed() throws InterruptedException, ExecutionException, TimeoutException {
        try {
            Files.createFile(proceed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result();
    }

    /** The command's result, once it ended (e.g. after it was stopped). */
    public TestProject.Run result() throws InterruptedException, ExecutionException, TimeoutException {
        return run.get(40, TimeUnit.SECONDS);
    }
}
