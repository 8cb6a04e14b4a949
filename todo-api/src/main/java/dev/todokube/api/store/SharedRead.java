package dev.todokube.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One read for all the callers waiting for it, for a read that takes no arguments (GetTodos: every
 * todo). Callers that arrive while a read is in flight wait for the next one, which starts when that
 * one ends; so each caller gets the result of a read that started after it arrived (it sees every
 * write acknowledged before its call, as its own read would), and under load many concurrent calls
 * cost one query instead of one each. A caller that cancels leaves its batch: a batch that every
 * caller left before its turn is never sent, and one that every caller left while it runs is
 * cancelled.
 */
final class SharedRead<T> {

    private final Supplier<CompletableFuture<T>> read;
    // Guarded by this.
    private Batch<T> running;
    private Batch<T> waiting;

    SharedRead(Supplier<CompletableFuture<T>> read) {
        this.read = read;
    }

    CompletableFuture<T> get() {
        Caller<T> caller;
        Batch<T> start = null;
        synchronized (this) {
            if (running == null) {
                running = new Batch<>();
                start = running;
                caller = running.join();
            } else {
                if (waiting == null) {
                    waiting = new Batch<>();
                }
                caller = waiting.join();
            }
        }
        if (start != null) {
            start(start);
        }
        return caller;
    }

    private void start(Batch<T> batch) {
        CompletableFuture<T> query;
        try {
            query = read.get();
        } catch (RuntimeException e) {
            query = CompletableFuture.failedFuture(e);
        }
        batch.started(query);
        query.whenComplete((value, failure) -> finished(batch, value, failure));
    }

    private void finished(Batch<T> batch, T value, Throwable failure) {
        batch.answer(value, failure);
        Batch<T> next;
        synchronized (this) {
            next = waiting;
            waiting = null;
            if (next != null && next.abandoned()) {
                next = null;
            }
            running = next;
        }
        if (next != null) {
            start(next);
        }
    }

    /** The callers of one read, and the read once it runs. */
    private static final class Batch<T> {
        // Guarded by this.
        private final List<Caller<T>> callers = new ArrayList<>();
        private int staying;
        private CompletableFuture<T> query;

        synchronized Caller<T> join() {
            Caller<T> caller = new Caller<>(this);
            callers.add(caller);
            staying++;
            return caller;
        }

        void started(CompletableFuture<T> read) {
            boolean cancel;
            synchronized (this) {
                query = read;
                cancel = staying == 0;
            }
            if (cancel) {
                read.cancel(false);
            }
        }

        void leave() {
            CompletableFuture<T> cancel;
            synchronized (this) {
                staying--;
                cancel = staying == 0 ? query : null;
            }
            if (cancel != null) {
                cancel.cancel(false);
            }
        }

        synchronized boolean abandoned() {
            return staying == 0;
        }

        void answer(T value, Throwable failure) {
            List<Caller<T>> answered;
            synchronized (this) {
                answered = List.copyOf(callers);
            }
            for (Caller<T> caller : answered) {
                if (failure == null) {
                    caller.complete(value);
                } else {
                    caller.completeExceptionally(failure);
                }
            }
        }
    }

    /** One caller's future: cancelling it leaves the batch. */
    private static final class Caller<T> extends CompletableFuture<T> {
        private final Batch<T> batch;

        Caller(Batch<T> batch) {
            this.batch = batch;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                batch.leave();
            }
            return cancelled;
        }
    }
}
