package dev.todokube.api.training;

import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.DeleteTodoRequest;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.ListTodosResponse;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.proto.UpdateTodoRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The call mix of a training run, shaped like production: mostly GetTodos (the original's one call),
 * some paged and tag-filtered listing, and a create, read, update and delete cycle, from several
 * concurrent clients, plus health checks and a metrics scrape.
 */
final class CallMix {

    private static final int CLIENTS = 8;
    private static final int ROUND = 17;

    private CallMix() {
    }

    record Result(int calls, int todosAtEnd) {
    }

    /** A call that failed: training must not record a path the service never takes when healthy. */
    static final class TrainingFailure extends RuntimeException {
        TrainingFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Result run(String host, int grpcPort, int metricsPort, int calls) throws InterruptedException, IOException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, grpcPort).usePlaintext().build();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            TodosGrpc.TodosBlockingStub todos = TodosGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.HOURS);
            seedIfEmpty(todos);
            int rounds = Math.max(1, calls / ROUND / CLIENTS);
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> rounds(channel, client, rounds)));
            }
            int made = 0;
            for (Future<Integer> future : done) {
                made += future.get();
            }
            scrapeMetrics(host, metricsPort);
            return new Result(made, todos.getTodos(Request.getDefaultInstance()).getTodosCount());
        } catch (ExecutionException e) {
            throw new TrainingFailure("a training call failed: " + e.getCause().getMessage(), e.getCause());
        } catch (StatusRuntimeException e) {
            throw new TrainingFailure("a training call failed: " + e.getStatus(), e);
        } finally {
            clients.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void seedIfEmpty(TodosGrpc.TodosBlockingStub todos) {
        if (todos.getTodos(Request.getDefaultInstance()).getTodosCount() == 0) {
            for (int i = 0; i < 10; i++) {
                todos.createTodo(CreateTodoRequest.newBuilder()
                        .setTitle("training todo " + i).setTag(i % 2 == 0 ? "home" : "work").setPriority(i % 5).build());
            }
        }
    }

    private static int rounds(ManagedChannel channel, int client, int rounds) {
        TodosGrpc.TodosBlockingStub todos = TodosGrpc.newBlockingStub(channel);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        int made = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 10; i++) {
                todos.getTodos(Request.getDefaultInstance());
            }
            ListTodosResponse first = todos.listTodos(ListTodosRequest.newBuilder().setPageSize(3).build());
            if (!first.getNextPageToken().isEmpty()) {
                todos.listTodos(ListTodosRequest.newBuilder().setPageSize(3).setPageToken(first.getNextPageToken()).build());
            }
            todos.listTodos(ListTodosRequest.newBuilder().setTag("home").setPageSize(5).build());
            Response.Todo created = todos.createTodo(CreateTodoRequest.newBuilder()
                    .setTitle("training " + client + "-" + round).setTag("training").setPriority(round % 5).build());
            todos.getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build());
            todos.updateTodo(UpdateTodoRequest.newBuilder().setId(created.getId()).setPriority(4).build());
            todos.deleteTodo(DeleteTodoRequest.newBuilder().setId(created.getId()).build());
            health.check(HealthCheckRequest.getDefaultInstance());
            made += ROUND;
        }
        return made;
    }

    private static void scrapeMetrics(String host, int port) throws IOException {
        try (InputStream body = URI.create("http://" + host + ":" + port + "/metrics").toURL().openStream()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
    }
}
