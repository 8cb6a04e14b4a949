package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.api.fixtures.TestServer;
import dev.todokube.api.original.Request;
import dev.todokube.api.original.Response;
import dev.todokube.api.original.TodosGrpc;
import dev.todokube.api.store.PageRequest;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.DeleteTodoRequest;
import dev.todokube.proto.DeleteTodoResponse;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.ListTodosResponse;
import dev.todokube.proto.UpdateTodoRequest;
import dev.todokube.testkit.grpc.RawTodosMethods;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every RPC over a real localhost port, on the memory store, with generated clients. */
class TodosServiceTest {

    private static final String MISSING_ID = "0123456789abcdef01234567";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MAX_INBOUND_MESSAGE_SIZE", "4096"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void originalClientGetsTheSeedItem() {
        // Generated from exactly the original contract (src/test/proto): package grpc, service Todos.
        Response response = TodosGrpc.newBlockingStub(server.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getTodos(Request.newBuilder().setToken("anything").build());

        assertThat(response.getTodosList()).anySatisfy(todo -> {
            assertThat(todo.getTitle()).isEqualTo("Add my todos");
            assertThat(todo.getTag()).isEqualTo("default");
            assertThat(todo.getPriority()).isEqualTo(1);
            assertThat(todo.getId()).matches("[0-9a-f]{24}");
        });
    }

    @Test
    void createGetUpdateDelete() {
        var created = server.todos().createTodo(CreateTodoRequest.newBuilder()
                .setTitle("Write tests").setTag("work").setPriority(3).build());
        assertThat(created.getId()).matches("[0-9a-f]{24}");
        assertThat(created.getTitle()).isEqualTo("Write tests");

        var fetched = server.todos().getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build());
        assertThat(fetched).isEqualTo(created);

        var retitled = server.todos().updateTodo(UpdateTodoRequest.newBuilder()
                .setId(created.getId()).setTitle("Write more tests").build());
        assertThat(retitled.getTitle()).isEqualTo("Write more tests");
        assertThat(retitled.getTag()).isEqualTo("work");
        assertThat(retitled.getPriority()).isEqualTo(3);

        var reprioritised = server.todos().updateTodo(UpdateTodoRequest.newBuilder()
                .setId(created.getId()).setPriority(0).setTag("").build());
        assertThat(reprioritised.getPriority()).isZero();
        assertThat(reprioritised.getTag()).isEmpty();
        assertThat(reprioritised.getTitle()).isEqualTo("Write more tests");

        var all = server.todos().getTodos(dev.todokube.proto.Request.getDefaultInstance());
        assertThat(all.getTodosList()).contains(reprioritised);

        assertThat(server.todos().deleteTodo(DeleteTodoRequest.newBuilder().setId(created.getId()).build()))
                .isEqualTo(DeleteTodoResponse.getDefaultInstance());
        assertStatus(() -> server.todos().getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build()),
                Status.Code.NOT_FOUND, "todo " + created.getId() + " not found");
        assertStatus(() -> server.todos().deleteTodo(DeleteTodoRequest.newBuilder().setId(created.getId()).build()),
                Status.Code.NOT_FOUND, "todo " + created.getId() + " not found");
    }

    @Test
    void listPagesThroughATagInIdOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(server.todos().createTodo(CreateTodoRequest.newBuilder()
                    .setTitle("paged " + i).setTag("paging").setPriority(i).build()).getId());
            server.todos().createTodo(CreateTodoRequest.newBuilder().setTitle("other " + i).setTag("noise").build());
        }

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListTodosResponse page = server.todos().listTodos(ListTodosRequest.newBuilder()
                    .setTag("paging").setPageSize(3).setPageToken(token).build());
            page.getTodosList().forEach(todo -> {
                assertThat(todo.getTag()).isEqualTo("paging");
                seen.add(todo.getId());
            });
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.stream().sorted().toList());
    }

    @Test
    void listWithoutTagReturnsEverythingUpToTheDefaultPageSize() {
        ListTodosResponse page = server.todos().listTodos(ListTodosRequest.getDefaultInstance());

        assertThat(page.getTodosList()).isNotEmpty().hasSizeLessThanOrEqualTo(50);
        List<String> ids = page.getTodosList().stream().map(todo -> todo.getId()).toList();
        assertThat(ids).isSorted();
    }

    @Test
    void invalidInputsAreRejectedNamingTheField() {
        var todos = server.todos();
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("").build()),
                Status.Code.INVALID_ARGUMENT, "title: must not be empty");
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("   ").build()),
                Status.Code.INVALID_ARGUMENT, "title: must not be empty");
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("x".repeat(201)).build()),
                Status.Code.INVALID_ARGUMENT, "title: must be at most 200 characters, got 201");
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("t").setTag("x".repeat(101)).build()),
                Status.Code.INVALID_ARGUMENT, "tag: must be at most 100 characters, got 101");
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("t").setPriority(11).build()),
                Status.Code.INVALID_ARGUMENT, "priority: must be between 0 and 10, got 11");
        assertStatus(() -> todos.createTodo(CreateTodoRequest.newBuilder().setTitle("t").setPriority(-1).build()),
                Status.Code.INVALID_ARGUMENT, "priority: must be between 0 and 10, got -1");
        assertStatus(() -> todos.getTodo(GetTodoRequest.newBuilder().setId("42").build()),
                Status.Code.INVALID_ARGUMENT, "id: must be 24 hex digits (a MongoDB ObjectId), got \"42\"");
        assertStatus(() -> todos.getTodo(GetTodoRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "id: must not be empty");
        assertStatus(() -> todos.deleteTodo(DeleteTodoRequest.newBuilder().setId("zz3456789abcdef012345678").build()),
                Status.Code.INVALID_ARGUMENT, "id: must be 24 hex digits (a MongoDB ObjectId), got \"zz3456789abcdef012345678\"");
        assertStatus(() -> todos.updateTodo(UpdateTodoRequest.newBuilder().setId(MISSING_ID).setTitle("").build()),
                Status.Code.INVALID_ARGUMENT, "title: must not be empty");
        assertStatus(() -> todos.updateTodo(UpdateTodoRequest.newBuilder().setId(MISSING_ID).setTitle("ok").build()),
                Status.Code.NOT_FOUND, "todo " + MISSING_ID + " not found");
        assertStatus(() -> todos.listTodos(ListTodosRequest.newBuilder().setPageSize(-1).build()),
                Status.Code.INVALID_ARGUMENT, "page_size: must not be negative, got -1");
        assertStatus(() -> todos.listTodos(ListTodosRequest.newBuilder().setPageToken("not a token!").build()),
                Status.Code.INVALID_ARGUMENT,
                "page_token: not a token this server issued; pass next_page_token from the previous response");
    }

    @Test
    void pageSizeAboveTheMaximumIsReducedToIt() {
        // A server of its own: the others' tests count what the shared one stores.
        try (TestServer full = TestServer.start()) {
            int stored = full.todos().getTodos(dev.todokube.proto.Request.getDefaultInstance()).getTodosCount();
            for (int i = stored; i <= PageRequest.MAX_SIZE; i++) {
                full.todos().createTodo(CreateTodoRequest.newBuilder().setTitle("todo " + i).setTag("bulk").build());
            }

            ListTodosResponse page = full.todos().listTodos(ListTodosRequest.newBuilder().setPageSize(5000).build());

            assertThat(page.getTodosList()).as("more than MAX_SIZE are stored").hasSize(PageRequest.MAX_SIZE);
            assertThat(page.getNextPageToken()).as("the rest is on the next page").isNotEmpty();
        }
    }

    @Test
    void invalidUtf8IsRejectedAndTheServerKeepsServing() {
        // CreateTodoRequest{title = bytes C3 28}: field 1, wire type 2, length 2, not valid UTF-8.
        byte[] request = {0x0a, 0x02, (byte) 0xc3, 0x28};

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(server.channel(), RawTodosMethods.unary("CreateTodo"),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("request is not a valid grpc.Todos/CreateTodo message: Protocol message had invalid UTF-8.");
                });
        assertThat(server.todos().getTodos(dev.todokube.proto.Request.getDefaultInstance()).getTodosCount()).isPositive();
    }

    @Test
    void oversizedRequestIsResourceExhausted() {
        assertThatThrownBy(() -> server.todos().createTodo(CreateTodoRequest.newBuilder()
                .setTitle("t").setTag("x".repeat(10_000)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(server.todos().getTodos(dev.todokube.proto.Request.getDefaultInstance()).getTodosCount()).isPositive();
    }

    @Test
    void healthIsServingForTheServerAndTheService() {
        assertThat(server.health("")).isEqualTo(ServingStatus.SERVING);
        assertThat(server.health("grpc.Todos")).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void reflectionListsTheTodosService() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        Set<String> services = new HashSet<>();
        answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
                .forEach(service -> services.add(service.getName()));
        assertThat(services).contains("grpc.Todos", "grpc.health.v1.Health");
    }

    static void assertStatus(Runnable call, Status.Code code, String description) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(code);
                    assertThat(e.getStatus().getDescription()).isEqualTo(description);
                });
    }
}
