package dev.todokube.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.WaitTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code file:} target is followed as a headless Service's DNS record is: an address added to the
 * file gets calls once a connection ends (here the first server's max connection age) and the
 * channel resolves again, and none before it is listed.
 */
class AddressFileTargetTest {

    private static final UserProfile FAST = UserProfile.defaults().withWaitTime(WaitTime.parse("constant:20ms"))
            .withDeadline(Duration.ofSeconds(20));
    /** Bound against a hang; the run is stopped as soon as the new server has calls. */
    private static final Duration RUN_BOUND = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aServerAddedToTheFileGetsCallsOnceConnectionsAreRenewed() throws Exception {
        try (TodosTestServer first = TodosTestServer.startWithMaxConnectionAge(Duration.ofSeconds(1));
                TodosTestServer added = TodosTestServer.start()) {
            Path file = dir.resolve("endpoints");
            replace(file, "# the ready replicas\n" + first.address() + "\n");
            RunPlan plan = new RunPlan(Target.parse("file:" + file), Transport.plaintext(), new ChannelMode.Shared(1),
                    2, 100, Duration.ZERO, RUN_BOUND, FAST);
            StandaloneRun run = new StandaloneRun(plan, Clock.systemUTC());
            CompletableFuture<RunResult> result = CompletableFuture.supplyAsync(() -> execute(run));

            awaitCalls("the listed server is called", () -> first.calls("GetTodos"));
            assertThat(added.calls("GetTodos")).as("calls to a server not in the file yet").isZero();
            replace(file, first.address() + "\n" + added.address() + "\n");
            awaitCalls("the added server is called", () -> added.calls("GetTodos"));
            run.requestStop();
            RunResult done = result.get(30, TimeUnit.SECONDS);

            assertThat(done.total().failures()).as("failed calls; errors: %s", done.errors()).isZero();
            assertThat(done.total().requests()).isEqualTo(first.calls("GetTodos") + added.calls("GetTodos"));
        }
    }

    @Test
    @Timeout(30)
    void anEmptyFileFailsCallsAsUnavailableNamingIt() throws Exception {
        Path file = dir.resolve("endpoints");
        replace(file, "# no replica is ready\n");
        RunPlan plan = new RunPlan(Target.parse("file://" + file), Transport.plaintext(), new ChannelMode.Shared(1),
                2, 100, Duration.ZERO, Duration.ofSeconds(1), FAST);
        RunResult result = execute(new StandaloneRun(plan, Clock.systemUTC()));

        assertThat(result.total().requests()).isPositive();
        assertThat(result.total().failures()).isEqualTo(result.total().requests());
        assertThat(result.errors()).extracting(error -> error.error()).containsOnly("UNAVAILABLE");
    }

    private static void replace(Path file, String text) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitCalls(String what, LongSupplier calls) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (calls.getAsLong() < 10) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": only " + calls.getAsLong() + " calls within 20 s");
            }
            Thread.sleep(50);
        }
    }

    private static RunResult execute(StandaloneRun run) {
        try {
            return run.execute(new SilentProgress());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
