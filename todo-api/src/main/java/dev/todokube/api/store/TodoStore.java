package dev.todokube.api.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where todos live. Every call returns at once: the future completes when the store has answered
 * (at once for the memory store; for MongoDB on the I/O thread that read the reply), so no caller
 * ever blocks on the database. A failure completes the future with a {@link TodoException}: NotFound
 * for an unknown id, StoreUnavailable when the database does not answer within its timeout, and so
 * on. Cancelling a call's future stops what of its work can still be stopped. Implementations are
 * thread-safe.
 */
public interface TodoStore extends AutoCloseable {

    CompletableFuture<Todo> create(TodoFields fields);

    CompletableFuture<Todo> get(TodoId id);

    CompletableFuture<Todo> update(TodoId id, TodoPatch patch);

    CompletableFuture<Void> delete(TodoId id);

    /** Every todo, in id order (the original GetTodos call). */
    CompletableFuture<List<Todo>> all();

    CompletableFuture<Page> list(PageRequest request);

    /** Completes normally only if the store answers now; used by the health probe. */
    CompletableFuture<Void> ping();

    /**
     * One-time set-up that can wait until the service has served its first calls (MongoDB: the
     * list index). Idempotent; the health probe runs it once the store answers.
     */
    default CompletableFuture<Void> prepare() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    void close();
}
