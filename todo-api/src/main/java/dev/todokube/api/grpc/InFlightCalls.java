package dev.todokube.api.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the calls in flight on the services it is installed on, so a drain can wait for the Todos
 * calls alone: long-lived streams such as health Watch would otherwise hold the server open for the
 * whole grace period. A call counts until the transport reports it complete (its status has been
 * written), not merely until the handler closes it: cancelling the remaining streams right after
 * close() could still reset a response that is on its way out.
 */
public final class InFlightCalls implements ServerInterceptor {

    private final Object lock = new Object();
    private int inFlight;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable finish = () -> {
            if (done.compareAndSet(false, true)) {
                change(-1);
            }
        };
        change(1);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(call, headers);
        } catch (RuntimeException e) {
            finish.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    finish.run();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    finish.run();
                }
            }
        };
    }

    /** Waits until no call is in flight; returns how many still are when the timeout passes. */
    public int awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return inFlight;
        }
    }

    private void change(int delta) {
        synchronized (lock) {
            inFlight += delta;
            if (inFlight == 0) {
                lock.notifyAll();
            }
        }
    }
}
