package dev.todokube.api.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends the long-lived streams of the services it is installed on (health Watch) when the server
 * drains. A draining server terminates only once every stream on it has ended; a Watch stream would
 * otherwise hold it for the whole grace period and then be cut along with any call that arrived just
 * before the server's final GOAWAY. With these streams closed, the drain can wait for the server's
 * own termination, which counts every stream the transport accepted.
 */
public final class ShutdownClosableStreams implements ServerInterceptor {

    private final Set<ClosableCall<?, ?>> open = ConcurrentHashMap.newKeySet();
    private volatile Status closedWith;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        ClosableCall<Q, R> closable = new ClosableCall<>(call);
        open.add(closable);
        ServerCall.Listener<Q> listener = next.startCall(closable, headers);
        Status status = closedWith;
        if (status != null) {
            closable.close(status, new Metadata());
        }
        // A stream the client cancels is never closed by the service: forget it here.
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                open.remove(closable);
                super.onCancel();
            }

            @Override
            public void onComplete() {
                open.remove(closable);
                super.onComplete();
            }
        };
    }

    /** How many streams are open now. */
    int openStreams() {
        return open.size();
    }

    /** Closes every open stream, and every one that starts from now on, with this status. */
    public void closeAll(Status status) {
        closedWith = status;
        for (ClosableCall<?, ?> call : open) {
            call.close(status, new Metadata());
        }
    }

    /** Tolerates the service writing to a stream this interceptor has already closed. */
    private final class ClosableCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private boolean closed;

        ClosableCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                open.remove(this);
                super.close(status, trailers);
            }
        }
    }
}
