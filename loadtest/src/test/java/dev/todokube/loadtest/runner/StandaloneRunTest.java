package dev.todokube.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.HistoryPoint;
import dev.todokube.loadtest.user.TaskSet;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.WaitTime;
import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StandaloneRunTest {

    /** Short waits; a long deadline, so a slow (shared, busy) machine cannot turn calls into DEADLINE_EXCEEDED. */
    private static final UserProfile FAST = UserProfile.defaults().withWaitTime(WaitTime.parse("constant:20ms"))
            .withDeadline(Duration.ofSeconds(20));

    @Test
    @Timeout(30)
    void countsEveryCallAndKeysFailuresByStatusCode() throws Exception {
        try (TodosTestServer server = TodosTestServer.start().failEvery(4, Status.UNAVAILABLE)) {
            RunResult result = run(server.address(), 5, new ChannelMode.PerUser(),
                    FAST.withTasks(TaskSet.parse("GetTodos=2,CreateTodo=1")), Duration.ofSeconds(3));

            assertThat(result.entries()).extracting(EntrySummary::name).containsExactly("CreateTodo", "GetTodos");
            for (EntrySummary entry : result.entries()) {
                long served = server.calls(entry.name());
                assertThat(entry.requests()).as(entry.name()).isEqualTo(served).isPositive();
                assertThat(entry.failures()).as(entry.name()).isEqualTo(served / 4);
            }
            assertThat(result.total().requests()).isEqualTo(server.calls("GetTodos") + server.calls("CreateTodo"));
            assertThat(result.errors()).extracting(ErrorCount::error).containsOnly("UNAVAILABLE");
            assertThat(result.errors()).extracting(ErrorCount::name).containsExactlyInAnyOrder("CreateTodo", "GetTodos");
            assertThat(result.history()).isNotEmpty();
            assertThat(result.history()).extracting(point -> point.users()).contains(5);
        }
    }

    @Test
    @Timeout(30)
    void mixedTasksReuseTheTodosTheyCreated() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            RunResult result = run(server.address(), 3, new ChannelMode.Shared(1),
                    FAST.withTasks(TaskSet.parse("CreateTodo=2,GetTodo=1,UpdateTodo=1,ListTodos=1,GetTodos=1")),
                    Duration.ofSeconds(2));

            assertThat(result.entries()).extracting(EntrySummary::name)
                    .contains("CreateTodo", "GetTodo", "UpdateTodo", "ListTodos", "GetTodos");
            // Every user creates or lists todos early, so reads and updates find them; a few may race a first create.
            EntrySummary get = result.entries().stream().filter(e -> e.name().equals("GetTodo")).findFirst().orElseThrow();
            assertThat(get.failures()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    @Timeout(30)
    void staticHostListIsBalancedRoundRobinOverEveryAddress() throws Exception {
        try (TodosTestServer first = TodosTestServer.start(); TodosTestServer second = TodosTestServer.start()) {
            RunResult result = run(first.address() + "," + second.address(), 2, new ChannelMode.Shared(1), FAST,
                    Duration.ofSeconds(2));

            assertThat(result.total().failures()).isZero();
            assertThat(first.calls("GetTodos")).isPositive();
            assertThat(second.calls("GetTodos")).isPositive();
            assertThat(first.calls("GetTodos") + second.calls("GetTodos")).isEqualTo(result.total().requests());
            assertThat(Math.abs(first.calls("GetTodos") - second.calls("GetTodos"))).isLessThanOrEqualTo(2);
        }
    }

    @Test
    @Timeout(30)
    void dnsTargetUsesTheResolvedAddresses() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            RunResult result = run("dns:///127.0.0.1:" + server.port(), 2, new ChannelMode.Shared(1), FAST,
                    Duration.ofSeconds(2));

            assertThat(result.total().failures()).isZero();
            assertThat(result.total().requests()).isEqualTo(server.calls("GetTodos")).isPositive();
        }
    }

    @Test
    @Timeout(30)
    void callsDuringTheWarmUpAreLeftOutOfTheResult() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            RunResult result = run(server.address(), 2, new ChannelMode.Shared(1), FAST, Duration.ofSeconds(1),
                    Duration.ofSeconds(1));

            long served = server.calls("GetTodos");
            assertThat(result.total().requests()).isPositive().isLessThan(served);
            assertThat(result.history()).isNotEmpty().allSatisfy(point ->
                    assertThat(point.epochSecond()).isGreaterThanOrEqualTo(result.startedAt().getEpochSecond()));
        }
    }

    @Test
    @Timeout(30)
    void aRunShorterThanOneTickStillHasAHistoryThatAddsUpToItsTotal() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            RunResult result = run(server.address(), 2, new ChannelMode.Shared(1), FAST, Duration.ofMillis(300));

            assertThat(result.history()).isNotEmpty();
            HistoryPoint last = result.history().get(result.history().size() - 1);
            assertThat(last.users()).isEqualTo(2);
            assertThat(last.totalSoFar().requests()).isEqualTo(result.total().requests())
                    .isEqualTo(server.calls("GetTodos"));
        }
    }

    /** A 2 s run with a 5 s grace for last calls ends, not hangs: JUnit's timeout is the bound, as the old check was. */
    @Test
    @Timeout(15)
    void unreachableTargetCountsUnavailableAndEnds() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RunResult result = run("127.0.0.1:" + closedPort, 3, new ChannelMode.PerUser(), FAST, Duration.ofSeconds(2));

        assertThat(result.total().requests()).isPositive();
        assertThat(result.total().failures()).isEqualTo(result.total().requests());
        assertThat(result.errors()).extracting(ErrorCount::error).containsOnly("UNAVAILABLE");
    }

    /**
     * Ten thousand users in one JVM, spawned at 10,000/s, run on a handful of threads. (How many
     * calls they complete depends on the machine's load, so only their bookkeeping is checked.)
     */
    @Test
    @Timeout(60)
    void tenThousandUsersRunOnAFewThreads() throws Exception {
        try (TodosTestServer server = TodosTestServer.start()) {
            AtomicInteger spawned = new AtomicInteger();
            AtomicInteger threadsWhenSpawned = new AtomicInteger();
            // Threads other tests left in this JVM are not the run's: count only those started since.
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            RunPlan plan = new RunPlan(Target.parse(server.address()), Transport.plaintext(), new ChannelMode.Shared(4),
                    10_000, 10_000, Duration.ZERO, Duration.ofSeconds(5),
                    UserProfile.defaults().withWaitTime(WaitTime.parse("constant:5s")).withDeadline(Duration.ofSeconds(10)));
            RunResult result = new StandaloneRun(plan, Clock.systemUTC()).execute(new SilentProgress() {
                @Override
                public void spawned(int users) {
                    spawned.set(users);
                    threadsWhenSpawned.set((int) Thread.getAllStackTraces().keySet().stream()
                            .filter(thread -> !before.contains(thread)).count());
                }
            });

            assertThat(spawned.get()).isEqualTo(10_000);
            assertThat(result.history()).extracting(point -> point.users()).contains(10_000);
            assertThat(threadsWhenSpawned.get()).as("threads the run started, once 10,000 users run").isPositive().isLessThan(100);
            assertThat(result.total().requests()).isPositive().isLessThanOrEqualTo(server.calls("GetTodos"));
        }
    }

    private static RunResult run(String host, int users, ChannelMode channels, UserProfile profile, Duration runTime)
            throws InterruptedException {
        return run(host, users, channels, profile, Duration.ZERO, runTime);
    }

    private static RunResult run(String host, int users, ChannelMode channels, UserProfile profile, Duration warmUp,
                                 Duration runTime) throws InterruptedException {
        RunPlan plan = new RunPlan(Target.parse(host), Transport.plaintext(), channels, users, 100, warmUp, runTime, profile);
        return new StandaloneRun(plan, Clock.systemUTC()).execute(new SilentProgress());
    }
}
