package dev.todokube.api.grpc;

import dev.todokube.api.store.TodoException;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a unary call's store work on the store executor and maps domain errors to gRPC statuses. */
final class StoreCalls {

    private static final Logger log = LoggerFactory.getLogger(StoreCalls.class);

    private final StoreExecutor executor;
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();

    StoreCalls(StoreExecutor executor) {
        this.executor = executor;
    }

    /**
     * Validates the request on the calling (transport) thread, so bad input never waits for a store
     * thread, then runs the store work on the store executor.
     */
    <I, O> void run(StreamObserver<O> observer, Supplier<I> validate, Function<I, O> work) {
        // Without a cancel handler, onNext on a call the client already cancelled throws.
        ((ServerCallStreamObserver<O>) observer).setOnCancelHandler(() -> { });
        I input;
        try {
            input = validate.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e).asRuntimeException());
            return;
        }
        Context context = Context.current();
        try {
            executor.execute(() -> {
                if (context.isCancelled()) {
                    return;
                }
                try {
                    observer.onNext(work.apply(input));
                    observer.onCompleted();
                } catch (RuntimeException e) {
                    observer.onError(failed(e).asRuntimeException());
                }
            });
        } catch (RejectedExecutionException e) {
            observer.onError(Status.UNAVAILABLE
                    .withDescription("server overloaded: " + executor.queued() + " store calls queued; retry later")
                    .asRuntimeException());
        }
    }

    /**
     * The status of a failed store call. A refusal of the service's own database user is logged
     * once per distinct message, not per call: the log has no line per request.
     */
    private Status failed(RuntimeException e) {
        if (e instanceof TodoException.NotPermitted && !e.getMessage().equals(lastRefusal.getAndSet(e.getMessage()))) {
            log.error("the database refused the service's own user (check its roles and the DB_URI credentials): {}",
                    e.getMessage());
        }
        return toStatus(e);
    }

    static Status toStatus(RuntimeException e) {
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
        log.warn("unexpected error in a store call", e);
        return Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName());
    }
}
