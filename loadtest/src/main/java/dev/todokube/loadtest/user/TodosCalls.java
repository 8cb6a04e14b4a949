package dev.todokube.loadtest.user;

import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.DeleteTodoRequest;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.proto.UpdateTodoRequest;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The gRPC side of one simulated user: issues each RPC on an async stub and reports how it
 * ended. It remembers the ids of todos it has seen, so GetTodo, UpdateTodo and DeleteTodo act on
 * existing todos once the user has created or listed some; before that they use a random id and
 * the server's NOT_FOUND counts as a failure, as it would for a real client.
 *
 * <p>Only one call of a user is in flight at a time, so its state needs no locking: each call
 * is handed over through the scheduler or the channel's completion, which order the accesses.
 */
final class TodosCalls {

    private static final int MAX_KNOWN_IDS = 64;
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final TodosGrpc.TodosStub stub;
    private final UserProfile profile;
    private final RandomGenerator random;
    private final List<String> knownIds = new ArrayList<>();
    private String nextPageToken = "";
    private long created;

    TodosCalls(Channel channel, UserProfile profile, RandomGenerator random) {
        TodosGrpc.TodosStub plain = TodosGrpc.newStub(channel);
        if (!profile.token().isEmpty()) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + profile.token());
            plain = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.stub = plain;
        this.profile = profile;
        this.random = random;
    }

    void call(Rpc rpc, Consumer<CallResult> done) {
        TodosGrpc.TodosStub withDeadline = stub.withDeadlineAfter(profile.deadline().toNanos(), TimeUnit.NANOSECONDS);
        switch (rpc) {
            case GetTodos -> withDeadline.getTodos(Request.newBuilder().setToken(profile.token()).build(),
                    observer(done, response -> remember(response.getTodosList())));
            case CreateTodo -> withDeadline.createTodo(CreateTodoRequest.newBuilder()
                            .setTitle("loadtest todo " + (++created))
                            .setTag("loadtest")
                            .setPriority(1 + random.nextInt(5))
                            .build(),
                    observer(done, todo -> remember(List.of(todo))));
            case GetTodo -> withDeadline.getTodo(GetTodoRequest.newBuilder().setId(someId()).build(),
                    observer(done, todo -> { }));
            case UpdateTodo -> withDeadline.updateTodo(UpdateTodoRequest.newBuilder()
                            .setId(someId())
                            .setPriority(1 + random.nextInt(5))
                            .build(),
                    observer(done, todo -> { }));
            case DeleteTodo -> {
                String id = someId();
                knownIds.remove(id);
                withDeadline.deleteTodo(DeleteTodoRequest.newBuilder().setId(id).build(), observer(done, deleted -> { }));
            }
            case ListTodos -> withDeadline.listTodos(ListTodosRequest.newBuilder()
                            .setPageSize(20)
                            .setPageToken(nextPageToken)
                            .build(),
                    observer(done, page -> {
                        nextPageToken = page.getNextPageToken();
                        remember(page.getTodosList());
                    }));
        }
    }

    private void remember(List<Response.Todo> todos) {
        for (Response.Todo todo : todos) {
            if (knownIds.size() >= MAX_KNOWN_IDS) {
                knownIds.remove(0);
            }
            knownIds.add(todo.getId());
        }
    }

    private String someId() {
        if (knownIds.isEmpty()) {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }
        return knownIds.get(random.nextInt(knownIds.size()));
    }

    private static <T extends com.google.protobuf.MessageLite> StreamObserver<T> observer(
            Consumer<CallResult> done, Consumer<T> onResponse) {
        return new StreamObserver<>() {
            private long contentLength;

            @Override
            public void onNext(T value) {
                contentLength = value.getSerializedSize();
                onResponse.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                done.accept(new CallResult(Status.fromThrowable(t).getCode(), 0));
            }

            @Override
            public void onCompleted() {
                done.accept(new CallResult(Status.Code.OK, contentLength));
            }
        };
    }
}
