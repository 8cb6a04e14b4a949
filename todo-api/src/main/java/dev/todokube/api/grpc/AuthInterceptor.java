package dev.todokube.api.grpc;

import dev.todokube.proto.Request;
import dev.todokube.proto.TodosGrpc;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-token auth for the Todos service only (health and reflection stay open). A call carries
 * {@code authorization: Bearer <token>}; GetTodos may instead carry the token in Request.token, as the
 * original's clients do. Tokens are compared in constant time.
 */
public final class AuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final List<byte[]> tokens;

    public AuthInterceptor(List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no tokens: leave the interceptor out to turn auth off");
        }
        this.tokens = tokens.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                     ServerCallHandler<Q, R> next) {
        if (!TodosGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && accepted(authorization.substring(BEARER.length()).trim())) {
            return next.startCall(call, headers);
        }
        if (call.getMethodDescriptor().equals(TodosGrpc.getGetTodosMethod()) && authorization == null) {
            return new TokenInRequest<>(call, headers, next);
        }
        call.close(rejection(authorization == null), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    private boolean accepted(String candidate) {
        byte[] bytes = candidate.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] token : tokens) {
            // Compare with every token, so the time taken does not tell which one matched.
            match |= MessageDigest.isEqual(token, bytes);
        }
        return match;
    }

    private static Status rejection(boolean missing) {
        return Status.UNAUTHENTICATED.withDescription(missing
                ? "missing credentials: send 'authorization: Bearer <token>' metadata"
                : "invalid bearer token");
    }

    /** Starts the real call only once the request message has shown a valid token. */
    private final class TokenInRequest<Q, R> extends ForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final Metadata headers;
        private final ServerCallHandler<Q, R> next;
        private ServerCall.Listener<Q> delegate;
        private boolean rejected;

        TokenInRequest(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            this.call = call;
            this.headers = headers;
            this.next = next;
            // The unary handler waits for request(1) from its listener; we need the message first.
            call.request(1);
        }

        @Override
        protected ServerCall.Listener<Q> delegate() {
            return delegate;
        }

        @Override
        public void onMessage(Q message) {
            if (rejected) {
                return;
            }
            if (message instanceof Request request && !request.getToken().isEmpty() && accepted(request.getToken())) {
                delegate = next.startCall(call, headers);
                delegate.onMessage(message);
            } else {
                rejected = true;
                call.close(rejection(message instanceof Request request && request.getToken().isEmpty()),
                        new Metadata());
            }
        }

        @Override
        public void onHalfClose() {
            if (delegate != null) {
                delegate.onHalfClose();
            } else if (!rejected) {
                rejected = true;
                call.close(rejection(true), new Metadata());
            }
        }

        @Override
        public void onCancel() {
            if (delegate != null) {
                delegate.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (delegate != null) {
                delegate.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (delegate != null) {
                delegate.onReady();
            }
        }
    }
}
