package dev.todokube.api.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A test and benchmark knob (MEMORY_STORE_DELAY): answers every call of another store after a fixed
 * delay, to model a remote database with the memory store, e.g. to hold calls in flight while the
 * server drains on SIGTERM. Nothing waits on a thread meanwhile: a timer completes the call, and a
 * cancelled call's timer is dropped.
 */
public final class DelayedTodoStore implements TodoStore {

    private final TodoStore delegate;
    private final Duration delay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "memory-store-delay");
        thread.setDaemon(true);
        return thread;
    });

    public DelayedTodoStore(TodoStore delegate, Duration delay) {
        this.delegate = delegate;
        this.delay = delay;
    }

    private <T> CompletableFuture<T> later(Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        ScheduledFuture<?> pending = timer.schedule(() -> call.get().whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }), delay.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((value, failure) -> pending.cancel(false));
        return result;
    }

    @Override
    public CompletableFuture<Todo> create(TodoFields fields) {
        return later(() -> delegate.create(fields));
    }

    @Override
    public CompletableFuture<Todo> get(TodoId id) {
        return later(() -> delegate.get(id));
    }

    @Override
    public CompletableFuture<Todo> update(TodoId id, TodoPatch patch) {
        return later(() -> delegate.update(id, patch));
    }

    @Override
    public CompletableFuture<Void> delete(TodoId id) {
        return later(() -> delegate.delete(id));
    }

    @Override
    public CompletableFuture<List<Todo>> all() {
        return later(delegate::all);
    }

    @Override
    public CompletableFuture<Page> list(PageRequest request) {
        return later(() -> delegate.list(request));
    }

    @Override
    public CompletableFuture<Void> ping() {
        return delegate.ping();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        delegate.close();
    }
}
