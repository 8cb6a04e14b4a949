package dev.todokube.api.grpc;

import dev.todokube.api.store.TodoException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a unary call's store work and answers it: validates on the transport thread, starts the
 * store call there (it returns at once), and answers when its future completes, on whichever thread
 * completes it. A call the client cancels, or whose deadline passes, cancels its store call. At most
 * {@code maxInFlight} store calls run at once; beyond that a call is rejected at once with
 * UNAVAILABLE "server overloaded" (retryable) instead of growing memory and latency.
 */
final class StoreCalls {

    private static final Logger log = LoggerFactory.getLogger(StoreCalls.class);

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();

    StoreCalls(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /**
     * Validates the request on the calling (transport) thread, so bad input never takes a slot, then
     * starts the store work and, when it completes, answers with {@code answer} of its result.
     */
    <I, R, O> void run(StreamObserver<O> observer, Supplier<I> validate, Function<I, CompletableFuture<R>> work,
                       Function<R, O> answer) {
        ServerCallStreamObserver<O> call = (ServerCallStreamObserver<O>) observer;
        I input;
        try {
            input = validate.get();
        } catch (RuntimeException e) {
            call.onError(toStatus(e).asRuntimeException());
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            call.onError(Status.UNAVAILABLE
                    .withDescription("server overloaded: " + maxInFlight + " store calls in flight; retry later")
                    .asRuntimeException());
            return;
        }
        Pending<R, O> pending = new Pending<>(call, answer);
        // Set before the store call starts (gRPC wants it before the handler returns): without a
        // cancel handler, answering a call the client already cancelled throws.
        call.setOnCancelHandler(pending);
        CompletableFuture<R> result;
        try {
            result = work.apply(input);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        pending.started(result);
    }

    /** One call between its start and its answer: the store's future, and the cancel handler. */
    private final class Pending<R, O> implements Runnable, BiConsumer<R, Throwable> {
        private final ServerCallStreamObserver<O> call;
        private final Function<R, O> answer;
        private volatile CompletableFuture<R> result;

        Pending(ServerCallStreamObserver<O> call, Function<R, O> answer) {
            this.call = call;
            this.answer = answer;
        }

        void started(CompletableFuture<R> future) {
            result = future;
            // A cancel that ran before the future was known found nothing to cancel.
            if (call.isCancelled()) {
                future.cancel(false);
            }
            future.whenComplete(this);
        }

        /** The client cancelled, or the deadline passed: stop the store call. */
        @Override
        public void run() {
            CompletableFuture<R> future = result;
            if (future != null) {
                future.cancel(false);
            }
        }

        @Override
        public void accept(R value, Throwable failure) {
            inFlight.decrementAndGet();
            if (call.isCancelled()) {
                return;
            }
            if (failure != null) {
                call.onError(failed(unwrap(failure)).asRuntimeException());
                return;
            }
            O reply;
            try {
                reply = answer.apply(value);
            } catch (RuntimeException e) {
                call.onError(failed(e).asRuntimeException());
                return;
            }
            call.onNext(reply);
            call.onCompleted();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * The status of a failed store call. A refusal of the service's own database user is logged
     * once per distinct message, not per call: the log has no line per request.
     */
    private Status failed(Throwable e) {
        if (e instanceof TodoException.NotPermitted && !e.getMessage().equals(lastRefusal.getAndSet(e.getMessage()))) {
            log.error("the database refused the service's own user (check its roles and the DB_URI credentials): {}",
                    e.getMessage());
        }
        return toStatus(e);
    }

    static Status toStatus(Throwable e) {
        if (e instanceof TodoException.NotFound) {
            return Status.NOT_FOUND.withDescription(e.getMessage());
        }
        if (e instanceof TodoException.InvalidArgument) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
        }
        if (e instanceof TodoException.StoreUnavailable) {
            return Status.UNAVAILABLE.withDescription(e.getMessage());
        }
        if (e instanceof TodoException.AlreadyExists) {
            return Status.ALREADY_EXISTS.withDescription(e.getMessage());
        }
        if (e instanceof TodoException.Rejected) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage());
        }
        if (e instanceof TodoException.NotPermitted) {
            return Status.PERMISSION_DENIED.withDescription("the service may not do this in its database; see its log");
        }
        if (e instanceof CancellationException) {
            return Status.CANCELLED.withDescription("store call cancelled");
        }
        log.warn("unexpected error in a store call", e);
        return Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName());
    }
}
