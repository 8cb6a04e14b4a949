package dev.todokube.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded default store: a concurrent sorted map, so every call is non-blocking and cheap
 * enough to run on the transport thread. Starts with the original's seed item.
 */
public final class MemoryTodoStore implements TodoStore {

    public static final TodoFields ORIGINAL_SEED = new TodoFields("Add my todos", "default", 1);

    private final ConcurrentSkipListMap<TodoId, Todo> todos = new ConcurrentSkipListMap<>();
    // all() is the hot read (GetTodos) and writes are rare: hand out one immutable snapshot until a
    // write bumps the version. A snapshot copied concurrently with a write carries the version read
    // before the copy, so it is discarded once that write's bump lands.
    private final AtomicLong version = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(-1, List.of());

    private MemoryTodoStore() {
    }

    public static MemoryTodoStore empty() {
        return new MemoryTodoStore();
    }

    public static MemoryTodoStore seeded() {
        MemoryTodoStore store = new MemoryTodoStore();
        store.create(ORIGINAL_SEED);
        return store;
    }

    @Override
    public Todo create(TodoFields fields) {
        Todo todo = Todo.of(TodoId.generate(), fields);
        todos.put(todo.id(), todo);
        version.incrementAndGet();
        return todo;
    }

    @Override
    public Todo get(TodoId id) {
        Todo todo = todos.get(id);
        if (todo == null) {
            throw new TodoException.NotFound(id);
        }
        return todo;
    }

    @Override
    public Todo update(TodoId id, TodoPatch patch) {
        Todo updated = todos.computeIfPresent(id, (key, old) -> old.with(patch));
        if (updated == null) {
            throw new TodoException.NotFound(id);
        }
        version.incrementAndGet();
        return updated;
    }

    @Override
    public void delete(TodoId id) {
        if (todos.remove(id) == null) {
            throw new TodoException.NotFound(id);
        }
        version.incrementAndGet();
    }

    @Override
    public List<Todo> all() {
        long current = version.get();
        Snapshot last = snapshot;
        if (last.version() == current) {
            return last.todos();
        }
        List<Todo> copy = List.copyOf(todos.values());
        snapshot = new Snapshot(current, copy);
        return copy;
    }

    @Override
    public Page list(PageRequest request) {
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
    }

    @Override
    public void ping() {
        // Always reachable.
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public void close() {
        todos.clear();
        version.incrementAndGet();
    }

    private record Snapshot(long version, List<Todo> todos) {
    }
}
