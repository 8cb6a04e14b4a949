package dev.todokube.bgkube.testing;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.ServerWebSocketHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock cluster's API server as the network sees it: a Vert.x HTTP server on 127.0.0.1 that
 * logs every request ({@link #requests()}), applies the test's {@link FaultRule}s and hands the
 * rest to the {@link ApiServerDispatcher}. fabric8's {@code MockWebServer} dispatches on the event
 * loop and cannot close its listener and open it again, so this server replaces it (the dispatcher
 * and fabric8's watch websockets are reused): a delayed answer is a timer and a held request a
 * parked one, neither blocks the event loop, and an {@link #outage} really closes the listener
 * (connections are refused) and opens it again on the same port with the same stored objects.
 *
 * <p>The port is taken below the kernel's ephemeral range (32768 and up on Linux), so no outgoing
 * connection of another process is given it while the listener is closed.
 */
public final class MockApiServer implements AutoCloseable {

    private static final Pattern OBJECT = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+))?");
    private static final int LOWEST_PORT = 20_000;
    private static final int PORTS = 12_000;

    private final Dispatcher dispatcher;
    private final Clock clock;
    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong sequence = new AtomicLong();
    private final List<ApiRequest> log = new CopyOnWriteArrayList<>();
    private final List<InjectedFault> faults = new CopyOnWriteArrayList<>();
    private final int port;
    private HttpServer server;

    private MockApiServer(Dispatcher dispatcher, Clock clock) {
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.port = listenOnFreePort();
    }

    /** Starts a server on a free port for this dispatcher. */
    static MockApiServer start(Dispatcher dispatcher, Clock clock) {
        return new MockApiServer(dispatcher, clock);
    }

    public int port() {
        return port;
    }

    /** The base URL clients use, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Every request received, in order (the simulator's too: see {@link ApiRequest#fromController()}). */
    public List<ApiRequest> requests() {
        return List.copyOf(log);
    }

    /** The requests the matcher picks, in order. */
    public List<ApiRequest> requests(RequestMatcher matcher) {
        return log.stream().filter(matcher).toList();
    }

    public void clearRequests() {
        log.clear();
    }

    /** Puts a fault in force until it has hit its number of requests or is {@linkplain InjectedFault#remove() removed}. */
    public InjectedFault inject(FaultRule rule) {
        InjectedFault fault = new InjectedFault(rule);
        faults.add(fault);
        return fault;
    }

    /** Holds the next request the matcher picks: {@code hold(m).awaitHeld(timeout)} gives it. */
    public InjectedFault hold(RequestMatcher matcher) {
        return inject(FaultRule.on(matcher, Fault.hold()));
    }

    /** Removes every fault; held requests are abandoned. */
    public void clearFaults() {
        faults.forEach(InjectedFault::remove);
        faults.clear();
    }

    /** An outage in progress: the listener is closed until it ends. */
    public final class Outage {
        private final CompletableFuture<Void> over;

        private Outage(CompletableFuture<Void> over) {
            this.over = over;
        }

        /** Ends it now: the server listens again (its scheduled return then changes nothing). */
        public void end() {
            start();
        }

        /** Whether the server listens again. */
        public boolean isOver() {
            return over.isDone();
        }

        /** Waits until the server listens again; fails the test after the timeout. */
        public void awaitOver(Duration timeout) throws InterruptedException {
            try {
                over.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the API server did not come back on port " + port, e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("the API server outage did not end within " + timeout);
            }
        }
    }

    /**
     * Closes the listener and every connection now (clients get "connection refused"; held
     * requests are abandoned) and listens again on the same port, with the same state, after
     * {@code duration}. Returns at once.
     */
    public Outage outage(Duration duration) {
        stop();
        return new Outage(CompletableFuture.runAsync(this::start,
                CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /** Closes the listener and every connection (held requests are abandoned); {@link #start()} opens it again. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        faults.forEach(InjectedFault::abandonHeld);
        await(server.close(), "close the API server on port " + port);
        server = null;
    }

    /** Listens again on the same port (nothing happens when it listens already). */
    public synchronized void start() {
        if (server == null) {
            server = await(newServer().listen(port, "127.0.0.1"), "listen again on port " + port);
        }
    }

    public synchronized boolean isUp() {
        return server != null;
    }

    @Override
    public void close() {
        clearFaults();
        stop();
        await(vertx.close(), "stop the API server's Vert.x");
    }

    private int listenOnFreePort() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = LOWEST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            try {
                server = await(newServer().listen(candidate, "127.0.0.1"), "listen on port " + candidate);
                return candidate;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no free port for the mock API server between " + LOWEST_PORT + " and "
                + (LOWEST_PORT + PORTS), last);
    }

    private HttpServer newServer() {
        return vertx.createHttpServer(new HttpServerOptions().setReuseAddress(true).setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true)).requestHandler(this::handle);
    }

    private void handle(HttpServerRequest request) {
        if (Optional.ofNullable(request.getHeader("Upgrade")).map(u -> u.toLowerCase(Locale.ROOT).contains("websocket"))
                .orElse(false)) {
            // A watch: upgraded before the request is read, as Vert.x requires.
            RecordedRequest recorded = recorded(request, null);
            record(request, null);
            MockResponse response = dispatch(recorded);
            if (response.getWebSocketListener() != null) {
                request.toWebSocket().onSuccess(new ServerWebSocketHandler(recorded, response));
            } else {
                send(request, response);
            }
            return;
        }
        request.body().onSuccess(body -> {
            ApiRequest entry = record(request, body);
            RecordedRequest recorded = recorded(request, body);
            InjectedFault fault = null;
            for (InjectedFault candidate : faults) {
                if (candidate.take(entry, fault == null)) {
                    fault = candidate;
                }
            }
            if (fault == null) {
                send(request, dispatch(recorded));
            } else {
                inflict(fault, request, entry, recorded);
            }
        });
    }

    private void inflict(InjectedFault fault, HttpServerRequest request, ApiRequest entry, RecordedRequest recorded) {
        Fault what = fault.rule().fault();
        if (what instanceof Fault.Status status) {
            send(request, injected(status.code(), entry).response());
        } else if (what instanceof Fault.Slow slow) {
            MockResponse response = dispatch(recorded);
            vertx.setTimer(Math.max(1, slow.delay().toMillis()), id -> send(request, response));
        } else if (what instanceof Fault.Drop) {
            request.connection().close();
        } else {
            Context context = Vertx.currentContext();
            fault.holding(new HeldRequest(entry, () -> {
                MockResponse response = dispatch(recorded);
                context.runOnContext(v -> send(request, response));
                return response.code();
            }, () -> context.runOnContext(v -> request.connection().close())));
        }
    }

    /** The dispatcher's answer; a bug in it is a 500 that says so (and its stack trace on stderr), never a hung request. */
    private MockResponse dispatch(RecordedRequest request) {
        try {
            return dispatcher.dispatch(request);
        } catch (RuntimeException e) {
            e.printStackTrace();
            return new StatusError(500, "the mock API server failed on " + request.getPath() + ": " + e).response();
        }
    }

    private ApiRequest record(HttpServerRequest request, Buffer body) {
        String method = request.method().name();
        String uri = request.uri();
        int q = uri.indexOf('?');
        ApiRequest entry = new ApiRequest(sequence.incrementAndGet(), method, q < 0 ? uri : uri.substring(0, q),
                q < 0 ? "" : uri.substring(q + 1), Optional.ofNullable(request.getHeader("Content-Type")).orElse(""),
                Optional.ofNullable(request.getHeader("User-Agent")).orElse(""), clock.instant(),
                ApiRequest.WRITES.contains(method) && body != null ? Optional.of(body.toString()) : Optional.empty());
        log.add(entry);
        return entry;
    }

    private static RecordedRequest recorded(HttpServerRequest request, Buffer body) {
        return new RecordedRequest(request.version().alpnName().toUpperCase(Locale.ROOT),
                io.fabric8.mockwebserver.dsl.HttpMethod.fromVertx(request.method()), request.uri(),
                Headers.builder().addAll(request.headers()).build(),
                new io.fabric8.mockwebserver.http.Buffer(body == null ? null : body.getBytes()));
    }

    private static void send(HttpServerRequest request, MockResponse response) {
        HttpServerResponse out = request.response();
        if (out.closed() || out.ended()) {
            return;
        }
        out.setStatusCode(response.code());
        response.getHeaders().toMultimap().forEach((name, values) -> out.headers().add(name, values));
        io.fabric8.mockwebserver.http.Buffer body = response.getBody();
        if (body != null && body.size() > 0) {
            out.end(Buffer.buffer(body.getBytes()));
        } else {
            out.end();
        }
    }

    /** The Status an injected code answers with, worded as the API server words it for that object. */
    private static StatusError injected(int code, ApiRequest request) {
        Matcher m = OBJECT.matcher(request.path());
        boolean found = m.find();
        String group = found ? Objects.toString(m.group(1), "") : "";
        String namespace = found ? Objects.toString(m.group(2), "") : "";
        String resource = found ? Objects.toString(m.group(3), "") : "";
        String name = found ? Objects.toString(m.group(4), "") : "";
        String object = resource + (group.isEmpty() ? "" : "." + group) + (name.isEmpty() ? "" : " \"" + name + "\"");
        String verb = switch (request.method()) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> name.isEmpty() ? "list" : "get";
        };
        String message = switch (code) {
            case 409 -> "Operation cannot be fulfilled on " + object
                    + ": the object has been modified; please apply your changes to the latest version and try again";
            case 403 -> object + " is forbidden: User \"mock-user\" cannot " + verb + " resource \"" + resource
                    + "\" in API group \"" + group + "\"" + (namespace.isEmpty() ? "" : " in the namespace \"" + namespace + "\"");
            case 422 -> object + " is invalid: (injected by the test)";
            case 429 -> "Too many requests, please try again later.";
            case 503 -> "the server is currently unable to handle the request";
            case 404 -> object + " not found";
            default -> "Internal error occurred: injected by the test";
        };
        return new StatusError(code, message);
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": " + e, e);
        }
    }
}
