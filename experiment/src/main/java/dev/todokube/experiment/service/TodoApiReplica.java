package dev.todokube.experiment.service;

import dev.todokube.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * One todo-api process on loopback with ephemeral ports, known by the addresses its ready line reports.
 * Closing it kills the process if it is still running.
 */
public final class TodoApiReplica implements AutoCloseable {

    /** The line todo-api logs once it serves (see the cross-module contract). */
    public static final Pattern READY = Pattern.compile(
            "todo-api ready: grpc=(\\S+):(\\d+) metrics=(\\S+):(\\d+) store=(\\w+)");

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ChildProcess process;
    private final Endpoint grpc;
    private final Endpoint metrics;
    private final String store;

    private TodoApiReplica(ChildProcess process, Endpoint grpc, Endpoint metrics, String store) {
        this.process = process;
        this.grpc = grpc;
        this.metrics = metrics;
        this.store = store;
    }

    /**
     * Starts todo-api with {@code launch} on 127.0.0.1 with ephemeral gRPC and metrics ports, the given
     * store and extra settings, logging to {@code logFile}, and waits for its ready line.
     */
    public static TodoApiReplica start(TodoApiLaunch launch, String name, Store store, Map<String, String> settings,
            Path logFile) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("SERVER_PORT", "0");
        env.put("METRICS_PORT", "0");
        env.putAll(store.env());
        env.putAll(settings);
        ChildProcess process = ChildProcess.start(name, launch.command(), env, null, logFile, null);
        try {
            MatchResult ready = process.awaitLine(READY, STARTUP_TIMEOUT);
            return new TodoApiReplica(process,
                    new Endpoint(ready.group(1), Integer.parseInt(ready.group(2))),
                    new Endpoint(ready.group(3), Integer.parseInt(ready.group(4))),
                    ready.group(5));
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    public String name() {
        return process.name();
    }

    public Endpoint grpc() {
        return grpc;
    }

    public Endpoint metrics() {
        return metrics;
    }

    /** The store the replica reported in its ready line ({@code memory} or {@code mongo}). */
    public String store() {
        return store;
    }

    public ChildProcess process() {
        return process;
    }

    /** The Prometheus text at {@code /metrics}. */
    public String scrapeMetrics() throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + metrics + "/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name() + " /metrics answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(name() + " /metrics unreachable at " + metrics, e);
        }
    }

    /** Sends SIGTERM (graceful drain) and waits for the exit. */
    public int stop(Duration timeout) throws InterruptedException {
        return process.terminate(timeout);
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return name() + " grpc=" + grpc + " metrics=" + metrics + " store=" + store;
    }
}
