package dev.todokube.api.store;

import java.time.Duration;
import java.util.List;

/**
 * A test and benchmark knob (MEMORY_STORE_DELAY): adds a fixed latency to every call of another
 * store, to model a remote database with the memory store, e.g. to hold calls in flight while the
 * server drains on SIGTERM. It blocks, so it reports itself as blocking and runs off the transport.
 */
public final class DelayedTodoStore implements TodoStore {

    private final TodoStore delegate;
    private final Duration delay;

    public DelayedTodoStore(TodoStore delegate, Duration delay) {
        this.delegate = delegate;
        this.delay = delay;
    }

    private void pause() {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TodoException.StoreUnavailable("interrupted", e);
        }
    }

    @Override
    public Todo create(TodoFields fields) {
        pause();
        return delegate.create(fields);
    }

    @Override
    public Todo get(TodoId id) {
        pause();
        return delegate.get(id);
    }

    @Override
    public Todo update(TodoId id, TodoPatch patch) {
        pause();
        return delegate.update(id, patch);
    }

    @Override
    public void delete(TodoId id) {
        pause();
        delegate.delete(id);
    }

    @Override
    public List<Todo> all() {
        pause();
        return delegate.all();
    }

    @Override
    public Page list(PageRequest request) {
        pause();
        return delegate.list(request);
    }

    @Override
    public void ping() {
        delegate.ping();
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
