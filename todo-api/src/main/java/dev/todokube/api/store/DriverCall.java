package dev.todokube.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * One MongoDB driver operation as a future: subscribes to the driver's publisher, collects what it
 * emits, and completes with {@code finish} applied to the items, or with the store's translation of
 * the failure. Every signal arrives on the driver's I/O thread, which completes the future; nothing
 * waits. Cancelling the future cancels the subscription: the driver closes the operation's cursor
 * and drops a reply that arrives later.
 */
final class DriverCall<T, V> extends CompletableFuture<V> implements Subscriber<T> {

    private final Function<List<T>, V> finish;
    private final Function<Throwable, Throwable> failure;
    // Written and read only by the publisher's signals, which the Reactive Streams rules serialize.
    private final List<T> items = new ArrayList<>();
    private volatile Subscription subscription;

    private DriverCall(Function<List<T>, V> finish, Function<Throwable, Throwable> failure) {
        this.finish = finish;
        this.failure = failure;
    }

    /**
     * @param finish turns the emitted items into the result; a {@link TodoException} it throws fails the call
     * @param failure turns what the driver reports into what the store reports
     */
    static <T, V> CompletableFuture<V> of(Publisher<T> operation, Function<List<T>, V> finish,
                                          Function<Throwable, Throwable> failure) {
        DriverCall<T, V> call = new DriverCall<>(finish, failure);
        operation.subscribe(call);
        return call;
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        // Cancelled before the driver called back: the cancel found no subscription to cancel.
        if (isCancelled()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(T item) {
        items.add(item);
    }

    @Override
    public void onError(Throwable t) {
        completeExceptionally(failure.apply(t));
    }

    @Override
    public void onComplete() {
        V result;
        try {
            result = finish.apply(items);
        } catch (TodoException e) {
            completeExceptionally(e);
            return;
        }
        complete(result);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        return cancelled;
    }
}
