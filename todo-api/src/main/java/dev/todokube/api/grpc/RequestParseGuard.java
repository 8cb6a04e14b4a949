package dev.todokube.api.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a request that does not parse (e.g. a string field with invalid UTF-8) into
 * INVALID_ARGUMENT with a description. Left to grpc-java, the parse error escapes as UNKNOWN
 * "Application error processing RPC" plus a logged stack trace. Install it on a service definition
 * converted with {@code ServerInterceptors.useInputStreamMessages}, so parsing happens inside it.
 */
public final class RequestParseGuard implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        return new Guarded<>(next.startCall(call, headers), call);
    }

    private static final class Guarded<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private boolean rejected;

        Guarded(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(Q message) {
            if (rejected) {
                return;
            }
            try {
                super.onMessage(message);
            } catch (StatusRuntimeException e) {
                if (!(e.getCause() instanceof InvalidProtocolBufferException cause)) {
                    throw e;
                }
                if (message instanceof InputStream stream) {
                    closeQuietly(stream);
                }
                rejected = true;
                call.close(Status.INVALID_ARGUMENT.withDescription("request is not a valid "
                        + call.getMethodDescriptor().getFullMethodName() + " message: " + cause.getMessage()),
                        new Metadata());
            }
        }

        @Override
        public void onHalfClose() {
            if (!rejected) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!rejected) {
                super.onReady();
            }
        }

        private static void closeQuietly(InputStream stream) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // Nothing to release beyond the buffer.
            }
        }
    }
}
