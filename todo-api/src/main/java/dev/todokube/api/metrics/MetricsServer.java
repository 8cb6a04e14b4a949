package dev.todokube.api.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Prometheus text exposition at {@code GET /metrics} on its own port, served by the JDK's HTTP
 * server (one thread: scrapes are rare). The JVM and process metrics, and whatever else is handed
 * to {@link #atFirstScrape}, are bound at the first scrape: the JVM's management beans cost a sixth
 * of a second of CPU on JDK 17, which in a 100m pod is more than a second of a new pod's first calls,
 * and nothing reads any of it before a scrape.
 */
public final class MetricsServer implements AutoCloseable {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final HttpServer http;
    private final ExecutorService executor;
    /** Bindings still to run, at the next scrape (on the single metrics-http thread). */
    private final Queue<Runnable> pendingBindings = new ConcurrentLinkedQueue<>();

    private MetricsServer(PrometheusMeterRegistry registry, HttpServer http, ExecutorService executor) {
        this.registry = registry;
        this.http = http;
        this.executor = executor;
    }

    public static MetricsServer start(String host, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        MetricsServer server = new MetricsServer(registry, http, executor);
        server.atFirstScrape(server::bindJvmMetrics);
        http.createContext("/metrics", server::scrape);
        http.start();
        return server;
    }

    /** Runs {@code binding} before the next scrape is answered (the first, unless one was answered already). */
    public void atFirstScrape(Runnable binding) {
        pendingBindings.add(binding);
    }

    /** Adds the JVM and process metrics (memory, GC, threads, classes, CPU, uptime, file descriptors). */
    private void bindJvmMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private void scrape(HttpExchange exchange) throws IOException {
        for (Runnable binding = pendingBindings.poll(); binding != null; binding = pendingBindings.poll()) {
            binding.run();
        }
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        gcMetrics.close();
        registry.close();
    }
}
