package dev.todokube.api.store;

import java.util.List;

/**
 * Where todos live. Implementations are thread-safe. Calls throw {@link TodoException}: NotFound for
 * an unknown id, StoreUnavailable when the backing database does not answer within its timeout.
 */
public interface TodoStore extends AutoCloseable {

    Todo create(TodoFields fields);

    Todo get(TodoId id);

    Todo update(TodoId id, TodoPatch patch);

    void delete(TodoId id);

    /** Every todo, in id order (the original GetTodos call). */
    List<Todo> all();

    Page list(PageRequest request);

    /** Throws StoreUnavailable unless the store answers now; used by the health probe. */
    void ping();

    /** True when calls may block on I/O and so must not run on transport threads. */
    boolean blocking();

    @Override
    void close();
}
