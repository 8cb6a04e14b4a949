package dev.todokube.api.grpc;

import dev.todokube.api.store.PageRequest;
import dev.todokube.api.store.Todo;
import dev.todokube.api.store.TodoFields;
import dev.todokube.api.store.TodoId;
import dev.todokube.api.store.TodoPatch;
import dev.todokube.api.store.TodoStore;
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
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;

/** The grpc.Todos service: maps proto messages to the domain and back, and delegates to the store. */
public final class TodosService extends TodosGrpc.TodosImplBase {

    private final TodoStore store;
    private final StoreCalls calls;
    // The memory store returns the same list until it changes; so does GetTodos' Response then.
    private volatile AllTodos lastAll = new AllTodos(List.of(), Response.getDefaultInstance());

    /** @param maxInFlight store calls that may run at once; beyond: UNAVAILABLE "server overloaded" */
    public TodosService(TodoStore store, int maxInFlight) {
        this.store = store;
        this.calls = new StoreCalls(maxInFlight);
    }

    @Override
    public void getTodos(Request request, StreamObserver<Response> observer) {
        calls.run(observer, () -> request, r -> store.all(), this::allTodos);
    }

    @Override
    public void createTodo(CreateTodoRequest request, StreamObserver<Response.Todo> observer) {
        calls.run(observer,
                () -> new TodoFields(request.getTitle(), request.getTag(), request.getPriority()),
                store::create, TodosService::toProto);
    }

    @Override
    public void getTodo(GetTodoRequest request, StreamObserver<Response.Todo> observer) {
        calls.run(observer, () -> TodoId.parse("id", request.getId()), store::get, TodosService::toProto);
    }

    @Override
    public void updateTodo(UpdateTodoRequest request, StreamObserver<Response.Todo> observer) {
        calls.run(observer, () -> new Update(TodoId.parse("id", request.getId()), new TodoPatch(
                        request.hasTitle() ? Optional.of(request.getTitle()) : Optional.empty(),
                        request.hasTag() ? Optional.of(request.getTag()) : Optional.empty(),
                        request.hasPriority() ? Optional.of(request.getPriority()) : Optional.empty())),
                update -> store.update(update.id(), update.patch()), TodosService::toProto);
    }

    @Override
    public void deleteTodo(DeleteTodoRequest request, StreamObserver<DeleteTodoResponse> observer) {
        calls.run(observer, () -> TodoId.parse("id", request.getId()), store::delete,
                deleted -> DeleteTodoResponse.getDefaultInstance());
    }

    @Override
    public void listTodos(ListTodosRequest request, StreamObserver<ListTodosResponse> observer) {
        calls.run(observer,
                () -> PageRequest.parse(request.getTag(), request.getPageSize(), request.getPageToken()),
                store::list,
                page -> ListTodosResponse.newBuilder()
                        .addAllTodos(toProto(page.todos()))
                        .setNextPageToken(page.nextPageToken().orElse(""))
                        .build());
    }

    private Response allTodos(List<Todo> todos) {
        AllTodos last = lastAll;
        if (last.todos() == todos) {
            return last.response();
        }
        Response response = Response.newBuilder().addAllTodos(toProto(todos)).build();
        lastAll = new AllTodos(todos, response);
        return response;
    }

    private static List<Response.Todo> toProto(List<Todo> todos) {
        return todos.stream().map(TodosService::toProto).toList();
    }

    private static Response.Todo toProto(Todo todo) {
        return Response.Todo.newBuilder()
                .setId(todo.id().hex())
                .setTitle(todo.title())
                .setTag(todo.tag())
                .setPriority(todo.priority())
                .build();
    }

    private record Update(TodoId id, TodoPatch patch) {
    }

    private record AllTodos(List<Todo> todos, Response response) {
    }
}
