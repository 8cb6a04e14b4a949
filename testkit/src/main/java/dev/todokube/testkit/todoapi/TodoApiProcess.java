package dev.todokube.testkit.todoapi;

import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A todo-api process on 127.0.0.1 with kernel-chosen gRPC and metrics ports (in-memory store unless
 * the settings say otherwise), known by the addresses its ready line reports. Closing it kills it.
 */
public final class TodoApiProcess implements AutoCloseable {

    /** The line todo-api logs once it serves. */
    public static final Pattern READY = Pattern.compile(
            "todo-api ready: grpc=(\\S+):(\\d+) metrics=(\\S+):(\\d+) store=(\\w+)");

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final ChildProcess process;
    private final String grpc;
    private final String metrics;

    private TodoApiProcess(ChildProcess process, String grpc, String metrics) {
        this.process = process;
        this.grpc = grpc;
        this.metrics = metrics;
    }

    /**
     * Starts {@code java -jar jar} with {@code settings} as environment variables on top of the
     * loopback host and ephemeral ports, and waits for its ready line.
     */
    public static TodoApiProcess start(Path jar, String name, Map<String, String> settings)
            throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_HOST", "127.0.0.1");
        env.put("SERVER_PORT", "0");
        env.put("METRICS_PORT", "0");
        env.putAll(settings);
        ChildProcess process = ChildJvm.jar(jar).name(name).env(env)
                .logFile(Files.createTempFile(name + "-", ".log")).start();
        try {
            MatchResult ready = process.awaitLine(READY, STARTUP_TIMEOUT);
            return new TodoApiProcess(process, ready.group(1) + ":" + ready.group(2),
                    ready.group(3) + ":" + ready.group(4));
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /**
     * Starts one process per entry (name to settings) at the same time, for a test class that needs
     * several: each JVM's start is mostly waiting on one core, so together they take about as long
     * as one. If any fails to start, the others are closed.
     */
    public static Map<String, TodoApiProcess> startAll(Path jar, Map<String, Map<String, String>> settingsByName)
            throws IOException, InterruptedException {
        Map<String, CompletableFuture<TodoApiProcess>> starting = new LinkedHashMap<>();
        settingsByName.forEach((name, settings) -> starting.put(name, CompletableFuture.supplyAsync(() -> {
            try {
                return start(jar, name, settings);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        })));
        Map<String, TodoApiProcess> started = new LinkedHashMap<>();
        Throwable failure = null;
        for (Map.Entry<String, CompletableFuture<TodoApiProcess>> entry : starting.entrySet()) {
            try {
                started.put(entry.getKey(), entry.getValue().get());
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            }
        }
        if (failure != null) {
            started.values().forEach(TodoApiProcess::close);
            if (failure instanceof IOException io) {
                throw io;
            }
            throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
        }
        return started;
    }

    /** {@code HOST:PORT} of the gRPC server. */
    public String grpcAddress() {
        return grpc;
    }

    /** {@code HOST:PORT} of the Prometheus endpoint ({@code /metrics}). */
    public String metricsAddress() {
        return metrics;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.name() + " grpc=" + grpc + " metrics=" + metrics;
    }
}
