package dev.todokube.experiment.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.experiment.fixtures.Await;
import dev.todokube.experiment.fixtures.LoadSummary;
import dev.todokube.experiment.fixtures.Metrics;
import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.experiment.fixtures.SwitchableAddresses;
import dev.todokube.experiment.service.Store;
import dev.todokube.experiment.service.TodoApiLaunch;
import dev.todokube.experiment.service.TodoApiReplica;
import dev.todokube.proto.Request;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicas come and go under load without a failed call: SIGTERM drains a replica while the load
 * generator keeps calling, and a new replica gets its share once connections reach their max age.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DrainTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(3);
    private static final Duration MAX_AGE_GRACE = Duration.ofSeconds(2);
    private static final Map<String, String> SETTINGS = Map.of(
            "MAX_CONNECTION_AGE", MAX_AGE.toSeconds() + "s",
            "MAX_CONNECTION_AGE_GRACE", MAX_AGE_GRACE.toSeconds() + "s",
            "SHUTDOWN_GRACE", "10s");

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    @Test
    void sigtermToAReplicaMidRunFailsNoCall() throws Exception {
        Path logs = ProcessLogs.dir(DrainTest.class);
        TodoApiReplica first = replica("todo-api-1", logs);
        TodoApiReplica second = replica("todo-api-2", logs);

        Path totals = logs.resolve("drain-totals.json");
        ChildProcess load = track(ChildJvm.jar(ProjectJars.loadtest()).name("loadtest").logFile(logs.resolve("loadtest.log"))
                .args("run", "--host", first.grpc() + "," + second.grpc(),
                        "--users", "20", "--spawn-rate", "20", "--run-time", "20s",
                        "--wait-time", "constant:50ms", "--deadline", "30s", "--json", totals.toString())
                .start());

        // A grpc-java client of our own beside the load generator, to name any failure precisely.
        CallLoop direct = startCallLoop(new SwitchableAddresses(List.of(address(first), address(second))));

        Await.until("both replicas serve the load", Duration.ofSeconds(60),
                () -> getTodosHandled(first) >= 5 && getTodosHandled(second) >= 5, load::tail);
        first.stop(Duration.ofSeconds(40));
        assertThat(load.isAlive()).as("the load still runs after the drained replica exited").isTrue();
        double secondAtDrain = getTodosHandled(second);

        int exit = load.waitFor(Duration.ofSeconds(90));
        direct.stop();
        assertThat(direct.failures).as("failed calls of the test's own client (%d OK)", direct.ok.get()).isEmpty();
        LoadSummary summary = LoadSummary.read(totals);
        assertThat(summary.requests()).as("requests sent").isPositive();
        assertThat(summary.failures()).as("failed requests while a replica drained; errors: %s", summary.errors())
                .isZero();
        assertThat(exit).as("loadtest exit code (0 = no failures)").isZero();
        assertThat(getTodosHandled(second)).as("calls the remaining replica took after the drain")
                .isGreaterThan(secondAtDrain);
    }

    // A client that knows the replicas through a resolver (as through a headless Service's DNS) only looks
    // again when a connection ends: max connection age is what brings a new replica into rotation.
    @Test
    void aNewReplicaGetsItsShareWithinMaxConnectionAgePlusGrace() throws Exception {
        Path logs = ProcessLogs.dir(DrainTest.class);
        TodoApiReplica existing = replica("todo-api-existing", logs);
        SwitchableAddresses addresses = new SwitchableAddresses(List.of(address(existing)));
        CallLoop calls = startCallLoop(addresses);
        Await.until("the client calls the existing replica", Duration.ofSeconds(20), () -> calls.ok.get() >= 10);

        TodoApiReplica third = replica("todo-api-new", logs);
        addresses.set(List.of(address(existing), address(third)));

        Duration bound = MAX_AGE.plus(MAX_AGE_GRACE).plusSeconds(20);
        Await.until("the new replica receives calls", bound, () -> getTodosHandled(third) > 0,
                () -> "client: " + calls.ok.get() + " OK, failures " + calls.failures);
        calls.stop();

        assertThat(getTodosHandled(third)).as("calls the new replica handled").isPositive();
        assertThat(calls.failures).as("failed calls while the new replica joined").isEmpty();
    }

    private CallLoop startCallLoop(SwitchableAddresses addresses) {
        @SuppressWarnings("deprecation")
        ManagedChannel channel = NettyChannelBuilder.forTarget(SwitchableAddresses.SCHEME + ":///todo-api")
                .nameResolverFactory(addresses)
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                .build();
        started.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        CallLoop calls = new CallLoop(TodosGrpc.newBlockingStub(channel));
        calls.start();
        started.add(calls::stop);
        return calls;
    }

    private TodoApiReplica replica(String name, Path logs) throws Exception {
        TodoApiReplica replica = TodoApiReplica.start(TodoApiLaunch.plain(ProjectJars.todoApiLauncher()), name, Store.memory(), SETTINGS,
                logs.resolve(name + ".log"));
        started.add(replica);
        return replica;
    }

    private ChildProcess track(ChildProcess process) {
        started.add(process);
        return process;
    }

    private static InetSocketAddress address(TodoApiReplica replica) {
        return new InetSocketAddress(replica.grpc().host(), replica.grpc().port());
    }

    private static double getTodosHandled(TodoApiReplica replica) {
        try {
            return Metrics.handled(replica.scrapeMetrics(), "GetTodos");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GetTodos in a loop on its own thread, bounded in count and time, counting failures by status. */
    private static final class CallLoop implements Runnable {
        private static final int MAX_CALLS = 20_000;
        private static final Duration MAX_TIME = Duration.ofSeconds(90);

        private final TodosGrpc.TodosBlockingStub stub;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this, "get-todos-loop");
        final AtomicLong ok = new AtomicLong();
        final Map<String, Long> failures = new ConcurrentHashMap<>();

        CallLoop(TodosGrpc.TodosBlockingStub stub) {
            this.stub = stub;
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(40));
        }

        @Override
        public void run() {
            long end = System.nanoTime() + MAX_TIME.toNanos();
            for (int i = 0; i < MAX_CALLS && running.get() && System.nanoTime() < end; i++) {
                try {
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS).getTodos(Request.getDefaultInstance());
                    ok.incrementAndGet();
                } catch (StatusRuntimeException e) {
                    failures.merge(e.getStatus().getCode() + ": " + e.getStatus().getDescription(), 1L, Long::sum);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
