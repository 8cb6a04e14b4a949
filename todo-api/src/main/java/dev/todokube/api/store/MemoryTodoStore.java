package dev.todokube.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The embedded default store: a concurrent sorted map, so every call is non-blocking and cheap
 * enough to run on the transport thread; its futures are complete when returned. Starts with the
 * original's seed item.
 */
public final class MemoryTodoStore implements TodoStore {

    public static final TodoFields ORIGINAL_SEED = new TodoFields("Add my todos", "default", 1);

    private final ConcurrentSkipListMap<TodoId, Todo> todos = new ConcurrentSkipListMap<>();
    // all() is the hot read (GetTodos) and writes are rare: hand out one immutable snapshot until a
    // write bumps the version. A snapshot copied concurrently with a write carries the version read
    // before the copy, so it is discarded once that write's bump lands.
    private final AtomicLong version = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(-1, CompletableFuture.completedFuture(List.of()));

    private MemoryTodoStore() {
    }

    public static MemoryTodoStore empty() {
        return new MemoryTodoStore();
    }

    public static MemoryTodoStore seeded() {
        MemoryTodoStore store = new MemoryTodoStore();
        store.put(Todo.of(TodoId.generate(), ORIGINAL_SEED));
        return store;
    }

    @Override
    public CompletableFuture<Todo> create(TodoFields fields) {
        return answer(() -> put(Todo.of(TodoId.generate(), fields)));
    }

    private Todo put(Todo todo) {
        todos.put(todo.id(), todo);
        version.incrementAndGet();
        return todo;
    }

    @Override
    public CompletableFuture<Todo> get(TodoId id) {
        return answer(() -> {
            Todo todo = todos.get(id);
            if (todo == null) {
                throw new TodoException.NotFound(id);
            }
            return todo;
        });
    }

    @Override
    public CompletableFuture<Todo> update(TodoId id, TodoPatch patch) {
        return answer(() -> {
            Todo updated = todos.computeIfPresent(id, (key, old) -> old.with(patch));
            if (updated == null) {
                throw new TodoException.NotFound(id);
            }
            version.incrementAndGet();
            return updated;
        });
    }

    @Override
    public CompletableFuture<Void> delete(TodoId id) {
        return answer(() -> {
            if (todos.remove(id) == null) {
                throw new TodoException.NotFound(id);
            }
            version.incrementAndGet();
            return null;
        });
    }

    /** The same completed future, holding the same list, until a write: GetTodos allocates nothing here. */
    @Override
    public CompletableFuture<List<Todo>> all() {
        long current = version.get();
        Snapshot last = snapshot;
        if (last.version() == current) {
            return last.todos();
        }
        CompletableFuture<List<Todo>> copy = CompletableFuture.completedFuture(List.copyOf(todos.values()));
        snapshot = new Snapshot(current, copy);
        return copy;
    }

    @Override
    public CompletableFuture<Page> list(PageRequest request) {
        return answer(() -> {
            NavigableMap<TodoId, Todo> range = request.after().map(after -> todos.tailMap(after, false)).orElse(todos);
            List<Todo> readOneMore = new ArrayList<>(Math.min(request.size() + 1, 64));
            for (Todo todo : range.values()) {
                if (request.tag().isEmpty() || request.tag().equals(todo.tag())) {
                    readOneMore.add(todo);
                    if (readOneMore.size() > request.size()) {
                        break;
                    }
                }
            }
            return Page.fromLookahead(readOneMore, request.size());
        });
    }

    /** Always reachable. */
    @Override
    public CompletableFuture<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        todos.clear();
        version.incrementAndGet();
    }

    private static <T> CompletableFuture<T> answer(Supplier<T> call) {
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (TodoException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    // One completed future serves every caller until a write: a completed future ignores cancel(),
    // and nothing else changes it.
    private record Snapshot(long version, CompletableFuture<List<Todo>> todos) {
    }
}
