package dev.todokube.api.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns a request that does not parse (e.g. a string field with invalid UTF-8) into
 * INVALID_ARGUMENT with a description. Left to grpc-java, the parse error escapes as UNKNOWN
 * "Application error processing RPC" plus a logged stack trace. Install it on a service definition
 * converted with {@link #parseInside}, so parsing happens inside it.
 */
public final class RequestParseGuard implements ServerInterceptor {

    /** Hands the message streams on as they are: the service's own marshallers parse and write them. */
    private static final MethodDescriptor.Marshaller<InputStream> AS_IS = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    /**
     * The service with its messages as raw streams, so that a request is parsed inside this guard.
     * Not {@code ServerInterceptors.useInputStreamMessages}: it wraps each stream in a buffered
     * copy, and so copies every response through a fresh 8 KiB buffer instead of letting the
     * transport drain the message straight into its frame (that cost GetTodos about a fifth of its
     * calls/s). The unary handlers parse a request within {@code onMessage}, before the stream is
     * closed, so no buffering is needed.
     */
    public static ServerServiceDefinition parseInside(ServerServiceDefinition service) {
        return ServerInterceptors.useMarshalledMessages(service, AS_IS);
    }

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
