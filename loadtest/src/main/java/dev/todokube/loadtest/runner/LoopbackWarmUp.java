package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.RequestStats;
import dev.todokube.loadtest.user.UserProfile;
import dev.todokube.loadtest.user.WaitTime;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.DeleteTodoRequest;
import dev.todokube.proto.DeleteTodoResponse;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.ListTodosResponse;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.proto.UpdateTodoRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's own warm-up, before anything is measured and whatever the run's warm-up
 * time says: two simulated users with the run's tasks and token, without waits, make calls
 * against a Todos server inside this JVM (on the loopback address, an ephemeral port) until they
 * have made {@link #CALLS} calls or {@link #LIMIT} has passed. A cold JVM loads and interprets the
 * whole call path on its first calls, which on a busy machine took hundreds of milliseconds each
 * and were the p95 and p99 of a short run; here that happens against itself, so the target gets
 * no call that is not measured.
 */
final class LoopbackWarmUp {

    /**
     * Calls to make: enough for the call path's classes to load and its hot methods to pass the
     * JIT's first threshold (C1 compiles a method after about 200 invocations); few enough that
     * the burst, half a second of CPU, does not slow the processes around it.
     */
    static final int CALLS = 1_000;
    /**
     * At most this long, on a machine too busy for {@link #CALLS}: by then the call path's classes
     * are loaded, and the run's own warm-up time (bg-kube's analysis gives 5 s) warms it further.
     */
    static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int USERS = 2;

    /** What it did: calls made and how long it took. */
    record Outcome(long calls, Duration took) {
    }

    private LoopbackWarmUp() {
    }

    static Outcome run(UserProfile profile, Clock clock) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .directExecutor()
                .addService(new CannedTodos())
                .build()
                .start();
        long calls = 0;
        try {
            Target loopback = new Target.Static(List.of(
                    new Target.HostAndPort(InetAddress.getLoopbackAddress().getHostAddress(), server.getPort())));
            RequestStats discarded = new RequestStats(clock);
            Connections connections = new Connections(loopback, new Transport(false, Optional.empty()),
                    new ChannelMode.PerUser());
            try (LocalRunner runner = new LocalRunner(connections,
                    profile.withWaitTime(new WaitTime.Constant(Duration.ZERO)), discarded)) {
                runner.rampTo(USERS, Double.POSITIVE_INFINITY, () -> { });
                long deadline = start + LIMIT.toNanos();
                while (calls < CALLS && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                    calls += discarded.drain().total().numRequests();
                }
                runner.stopAll();
                runner.awaitIdle(Duration.ofSeconds(1));
            }
        } finally {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
        return new Outcome(calls, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Answers every call at once with the same few todos, as a store of a handful would. */
    private static final class CannedTodos extends TodosGrpc.TodosImplBase {

        private static final Response.Todo TODO = Response.Todo.newBuilder().setId("65f0c0ffee0123456789abcd")
                .setTitle("Add my todos").setTag("default").setPriority(1).build();
        private static final Response TODOS = Response.newBuilder().addTodos(TODO).addTodos(TODO).addTodos(TODO).build();

        @Override
        public void getTodos(Request request, StreamObserver<Response> observer) {
            answer(observer, TODOS);
        }

        @Override
        public void createTodo(CreateTodoRequest request, StreamObserver<Response.Todo> observer) {
            answer(observer, TODO);
        }

        @Override
        public void getTodo(GetTodoRequest request, StreamObserver<Response.Todo> observer) {
            answer(observer, TODO);
        }

        @Override
        public void updateTodo(UpdateTodoRequest request, StreamObserver<Response.Todo> observer) {
            answer(observer, TODO);
        }

        @Override
        public void deleteTodo(DeleteTodoRequest request, StreamObserver<DeleteTodoResponse> observer) {
            answer(observer, DeleteTodoResponse.getDefaultInstance());
        }

        @Override
        public void listTodos(ListTodosRequest request, StreamObserver<ListTodosResponse> observer) {
            answer(observer, ListTodosResponse.newBuilder().addAllTodos(TODOS.getTodosList()).build());
        }

        private static <T> void answer(StreamObserver<T> observer, T response) {
            observer.onNext(response);
            observer.onCompleted();
        }
    }
}
