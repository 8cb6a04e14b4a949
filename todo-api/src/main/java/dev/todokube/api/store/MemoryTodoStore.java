package dev.todokube.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The embedded default store: a concurrent sorted map, so every call is non-blocking and cheap
 * enough to run on the transport thread. Starts with the original's seed item.
 */
public final class MemoryTodoStore implements TodoStore {

    public static final TodoFields ORIGINAL_SEED = new TodoFields("Add my todos", "default", 1);

    private final ConcurrentSkipListMap<TodoId, Todo> todos = new ConcurrentSkipListMap<>();

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
        return updated;
    }

    @Override
    public void delete(TodoId id) {
        if (todos.remove(id) == null) {
            throw new TodoException.NotFound(id);
        }
    }

    @Override
    public List<Todo> all() {
        return List.copyOf(todos.values());
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
    }
}
