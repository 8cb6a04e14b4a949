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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VirtualUserTest {

    private static final long SERVER_DELAY_MS = 200;

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
        EntrySnapshot calls = run(new WaitTime.ConstantThroughput(20), Duration.ofMillis(1300));

        assertThat(calls.numRequests()).isBetween(1L, 7L);
        long k = calls.numRequests() - 1;
        assertThat(calls.minResponseTime()).isGreaterThanOrEqualTo((double) SERVER_DELAY_MS);
        assertThat(calls.maxResponseTime()).isGreaterThanOrEqualTo(SERVER_DELAY_MS + k * 150.0);
    }

    /** With a plain wait there is no schedule to fall behind: each latency is one call's, from its actual start. */
    @Test
    void plainWaitMeasuresFromTheActualStart() throws Exception {
        EntrySnapshot calls = run(new WaitTime.Constant(Duration.ZERO), Duration.ofMillis(1300));

        assertThat(calls.numRequests()).isBetween(1L, 7L);
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
            Thread.sleep(500);
            long first = stats.drain().total().numFailures();
            Thread.sleep(500);
            long second = stats.drain().total().numFailures();
            user.stop();

            assertThat(first).as("failures in the first half second").isPositive();
            assertThat(second).as("failures in the second half second: the user still runs").isPositive();
        } finally {
            refused.shutdownNow();
        }
    }

    private EntrySnapshot run(WaitTime wait, Duration howLong) throws InterruptedException {
        RequestStats stats = new RequestStats(Clock.systemUTC());
        AtomicInteger inFlight = new AtomicInteger();
        VirtualUser user = new VirtualUser(channel, UserProfile.defaults().withWaitTime(wait).withDeadline(Duration.ofSeconds(30)),
                stats, scheduler, inFlight, 1);
        user.start();
        Thread.sleep(howLong.toMillis());
        user.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        EntrySnapshot calls = stats.drain().entries().get(0);
        assertThat(calls.name()).isEqualTo("GetTodos");
        assertThat(calls.numFailures()).isZero();
        assertThat(calls.numRequests()).isEqualTo(server.calls("GetTodos"));
        return calls;
    }
}
