package dev.todokube.loadtest.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.loadtest.stats.EntrySnapshot;
import dev.todokube.loadtest.stats.RequestStats;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VirtualUserTest {

    private static final long SERVER_DELAY_MS = 200;
    /** How many calls a user makes before a test stops it. */
    private static final long CALLS = 5;

    private TodosTestServer server;
    private ManagedChannel channel;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @BeforeEach
    void start() throws Exception {
        server = TodosTestServer.start().delay(SERVER_DELAY_MS);
        channel = ManagedChannelBuilder.forTarget(server.address()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.shutdownNow();
        channel.shutdownNow();
        server.close();
    }

    /**
     * A user scheduled at 20 tasks/s against a server that takes 200 ms per call falls behind its
     * schedule; its latency counts from each task's intended start, so it grows with the backlog
     * (call k, counted from 0, waits for k earlier calls: at least 200 ms + k * (200 - 50) ms).
     */
    @Test
    void constantThroughputMeasuresFromTheIntendedStart() throws Exception {
        EntrySnapshot calls = run(new WaitTime.ConstantThroughput(20), CALLS);

        assertThat(calls.numRequests()).isGreaterThanOrEqualTo(CALLS);
        long k = calls.numRequests() - 1;
        assertThat(calls.minResponseTime()).isGreaterThanOrEqualTo((double) SERVER_DELAY_MS);
        assertThat(calls.maxResponseTime()).isGreaterThanOrEqualTo(SERVER_DELAY_MS + k * 150.0);
    }

    /** With a plain wait there is no schedule to fall behind: each latency is one call's, from its actual start. */
    @Test
    void plainWaitMeasuresFromTheActualStart() throws Exception {
        EntrySnapshot calls = run(new WaitTime.Constant(Duration.ZERO), CALLS);

        assertThat(calls.numRequests()).isGreaterThanOrEqualTo(CALLS);
        assertThat(calls.minResponseTime()).isGreaterThanOrEqualTo((double) SERVER_DELAY_MS);
        assertThat(calls.totalResponseTime()).isGreaterThanOrEqualTo(calls.numRequests() * (double) SERVER_DELAY_MS);
    }

    /**
     * A channel that fails every call while it is being started, with no wait between calls: the
     * next call must not start inside the failing one (it would recurse until the stack
     * overflows and the user silently died), so the user keeps calling for as long as it runs.
     */
    @Test
    void callsThatFailAtOnceWithNoWaitDoNotRecurse() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ManagedChannel refused = ManagedChannelBuilder.forAddress("127.0.0.1", closedPort).usePlaintext()
                .directExecutor().build();
        try {
            RequestStats stats = new RequestStats(Clock.systemUTC());
            VirtualUser user = new VirtualUser(refused, UserProfile.defaults().withWaitTime(new WaitTime.Constant(Duration.ZERO)),
                    stats, scheduler, new AtomicInteger(), 1);
            user.start();
            long first = awaitFailures(stats, 50);
            long second = awaitFailures(stats, 50);
            user.stop();

            assertThat(first).as("failures in a first stretch").isGreaterThanOrEqualTo(50);
            assertThat(second).as("failures in a second stretch: the user still runs").isGreaterThanOrEqualTo(50);
        } finally {
            refused.shutdownNow();
        }
    }

    /** Runs one user until the server has received {@code calls} calls, stops it, and waits for its last call. */
    private EntrySnapshot run(WaitTime wait, long calls) throws InterruptedException {
        RequestStats stats = new RequestStats(Clock.systemUTC());
        AtomicInteger inFlight = new AtomicInteger();
        VirtualUser user = new VirtualUser(channel, UserProfile.defaults().withWaitTime(wait).withDeadline(Duration.ofSeconds(30)),
                stats, scheduler, inFlight, 1);
        user.start();
        await(() -> server.calls("GetTodos") >= calls, calls + " calls served");
        user.stop();
        await(() -> inFlight.get() == 0, "the last call completed");
        EntrySnapshot served = stats.drain().entries().get(0);
        assertThat(served.name()).isEqualTo("GetTodos");
        assertThat(served.numFailures()).isZero();
        assertThat(served.numRequests()).isEqualTo(server.calls("GetTodos"));
        return served;
    }

    /** Drains the stats until they add up to at least {@code wanted} failures; returns how many. */
    private static long awaitFailures(RequestStats stats, long wanted) throws InterruptedException {
        long[] failures = {0};
        await(() -> (failures[0] += stats.drain().total().numFailures()) >= wanted, wanted + " failures");
        return failures[0];
    }

    /** Polls until the condition holds; the limit only bounds a hang. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(5);
        }
    }
}
