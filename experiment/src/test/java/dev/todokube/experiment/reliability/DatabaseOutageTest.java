package dev.todokube.experiment.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.experiment.fixtures.Await;
import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.experiment.service.Store;
import dev.todokube.experiment.service.TodoApiLaunch;
import dev.todokube.experiment.service.TodoApiReplica;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.testkit.mongo.InProcessMongo;
import dev.todokube.testkit.process.ProjectJars;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MongoDB goes away for a few seconds under a mixed read/write load and comes back: calls fail fast
 * with UNAVAILABLE meanwhile, the service recovers by itself, and no acknowledged write is lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatabaseOutageTest {

    // Far above DB_TIMEOUT (1s), far below the driver's own 30 s server selection timeout: a call that
    // waited for the database instead of failing fast would exceed it even on a slow, busy machine.
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);
    private static final int CLIENTS = 3;

    private InProcessMongo mongo;
    private TodoApiReplica replica;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        mongo = InProcessMongo.start();
        replica = TodoApiReplica.start(TodoApiLaunch.plain(ProjectJars.todoApiLauncher()), "todo-api-mongo", Store.mongo(mongo.uri()),
                Map.of("DB_TIMEOUT", "1s"), ProcessLogs.dir(DatabaseOutageTest.class).resolve("todo-api-mongo.log"));
        channel = NettyChannelBuilder.forAddress(replica.grpc().host(), replica.grpc().port()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (replica != null) {
            replica.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    @Test
    void outageFailsFastWithUnavailableRecoversWithoutRestartAndLosesNoAcknowledgedWrite() throws Exception {
        long pid = replica.process().pid();
        MixedLoad load = new MixedLoad(TodosGrpc.newBlockingStub(channel));
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> load.run(), "client-" + i);
            client.start();
            clients.add(client);
        }
        try {
            Await.until("calls succeed before the outage", Duration.ofSeconds(20), () -> load.count(Status.Code.OK) >= 30);

            mongo.stop();
            Await.until("calls fail with UNAVAILABLE during the outage", Duration.ofSeconds(20),
                    () -> load.count(Status.Code.UNAVAILABLE) >= 10, () -> load.codes().toString());
            Thread.sleep(3_000);
            long unavailable = load.count(Status.Code.UNAVAILABLE);
            mongo.restart();

            long okBeforeRecovery = load.count(Status.Code.OK);
            Await.until("the service is SERVING again", Duration.ofSeconds(30), this::serving);
            Await.until("calls succeed again", Duration.ofSeconds(30),
                    () -> load.count(Status.Code.OK) >= okBeforeRecovery + 30, () -> load.codes().toString());
            assertThat(unavailable).as("calls failed with UNAVAILABLE while MongoDB was down").isPositive();
        } finally {
            load.stop();
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(15));
            }
        }

        assertThat(replica.process().isAlive()).as("todo-api recovered without a restart").isTrue();
        assertThat(replica.process().pid()).isEqualTo(pid);
        assertThat(load.count(Status.Code.DEADLINE_EXCEEDED)).as("calls that hung past their deadline").isZero();
        assertThat(load.codes().keySet()).as("status codes seen (" + load.codes() + ")")
                .containsOnly(Status.Code.OK, Status.Code.UNAVAILABLE);

        TodosGrpc.TodosBlockingStub reader = TodosGrpc.newBlockingStub(channel);
        List<Response.Todo> acknowledged = List.copyOf(load.acknowledged);
        List<String> lost = new ArrayList<>();
        for (Response.Todo created : acknowledged) {
            try {
                Response.Todo read = reader.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build());
                if (!read.getTitle().equals(created.getTitle())) {
                    lost.add(created.getId() + " has title '" + read.getTitle() + "', expected '" + created.getTitle() + "'");
                }
            } catch (StatusRuntimeException e) {
                lost.add(created.getId() + ": " + e.getStatus());
            }
        }
        assertThat(acknowledged).as("creates acknowledged").hasSizeGreaterThan(10);
        assertThat(lost).as("acknowledged writes lost out of " + acknowledged.size()).isEmpty();
    }

    private boolean serving() {
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("grpc.Todos").build())
                    .getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (StatusRuntimeException e) {
            return false;
        }
    }

    /** Creates, reads back and lists todos in a loop, bounded in count and time; records every outcome. */
    private static final class MixedLoad {
        private static final int MAX_CALLS_PER_CLIENT = 5_000;
        private static final Duration MAX_TIME = Duration.ofSeconds(90);

        private final TodosGrpc.TodosBlockingStub stub;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<Status.Code, Long> codes = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Response.Todo> acknowledged = new ConcurrentLinkedQueue<>();

        MixedLoad(TodosGrpc.TodosBlockingStub stub) {
            this.stub = stub;
        }

        long count(Status.Code code) {
            return codes.getOrDefault(code, 0L);
        }

        Map<Status.Code, Long> codes() {
            return new EnumMap<>(codes);
        }

        void stop() {
            running.set(false);
        }

        void run() {
            long end = System.nanoTime() + MAX_TIME.toNanos();
            String client = Thread.currentThread().getName();
            Response.Todo last = null;
            for (int i = 0; i < MAX_CALLS_PER_CLIENT && running.get() && System.nanoTime() < end; i++) {
                TodosGrpc.TodosBlockingStub call = stub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    switch (i % 3) {
                        case 0 -> {
                            Response.Todo created = call.createTodo(CreateTodoRequest.newBuilder()
                                    .setTitle(client + " todo " + i).setTag("outage").setPriority(1 + i % 5).build());
                            acknowledged.add(created);
                            last = created;
                        }
                        case 1 -> {
                            if (last != null) {
                                call.getTodo(GetTodoRequest.newBuilder().setId(last.getId()).build());
                            } else {
                                call.listTodos(ListTodosRequest.newBuilder().setPageSize(10).build());
                            }
                        }
                        default -> call.listTodos(ListTodosRequest.newBuilder().setTag("outage").setPageSize(10).build());
                    }
                    codes.merge(Status.Code.OK, 1L, Long::sum);
                } catch (StatusRuntimeException e) {
                    codes.merge(e.getStatus().getCode(), 1L, Long::sum);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
