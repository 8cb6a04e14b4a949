package dev.todokube.api.server;

import dev.todokube.api.config.ApiConfig;
import dev.todokube.api.config.ConfigException;
import dev.todokube.api.grpc.AuthInterceptor;
import dev.todokube.api.grpc.MetricsInterceptor;
import dev.todokube.api.grpc.RequestParseGuard;
import dev.todokube.api.grpc.ShutdownClosableStreams;
import dev.todokube.api.grpc.TodosService;
import dev.todokube.api.health.StoreHealthProbe;
import dev.todokube.api.metrics.MetricsServer;
import dev.todokube.api.store.TodoStore;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: gRPC server, store, health probe and metrics endpoint, wired by hand. */
public final class TodoApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TodoApiServer.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    // The store's one-time set-up (MongoDB's list index) waits this long: a new pod's CPU goes to
    // its first calls first (in a 100m pod, start-up takes seconds).
    private static final Duration PREPARE_AFTER = Duration.ofSeconds(30);

    private final ApiConfig config;
    private final Server grpc;
    private final TodoStore store;
    private final EventLoops eventLoops;
    private final StoreHealthProbe probe;
    private final MetricsServer metrics;
    private final ShutdownClosableStreams healthStreams;
    private boolean stopped;

    private TodoApiServer(ApiConfig config, Server grpc, ShutdownClosableStreams healthStreams, TodoStore store,
                          EventLoops eventLoops, StoreHealthProbe probe, MetricsServer metrics) {
        this.config = config;
        this.grpc = grpc;
        this.healthStreams = healthStreams;
        this.store = store;
        this.eventLoops = eventLoops;
        this.probe = probe;
        this.metrics = metrics;
    }

    /**
     * Starts everything and logs the ready line.
     *
     * @throws IOException when a port cannot be bound
     * @throws ConfigException when the TLS files cannot be used
     */
    public static TodoApiServer start(ApiConfig config) throws IOException {
        log.info("configuration: {}", config.render());
        MetricsServer metrics = MetricsServer.start(config.metricsHost(), config.metricsPort());
        // Whatever fails from here on, what was opened is closed (the metrics port first of all).
        Deque<AutoCloseable> opened = new ArrayDeque<>(List.of(metrics));
        EventLoops eventLoops;
        TodoStore store;
        StoreHealthProbe probe;
        ShutdownClosableStreams healthStreams = new ShutdownClosableStreams();
        Server grpc;
        try {
            eventLoops = EventLoops.start();
            opened.push(eventLoops);
            store = Stores.open(config, eventLoops);
            opened.push(store);
            HealthStatusManager health = new HealthStatusManager();
            probe = new StoreHealthProbe(store, health, PROBE_INTERVAL, config.dbTimeout(), PREPARE_AFTER);
            opened.push(probe);
            grpc = buildGrpc(config, store, eventLoops, healthStreams, health, metrics).start();
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        TodoApiServer server = new TodoApiServer(config, grpc, healthStreams, store, eventLoops, probe, metrics);
        // The ready line, which launchers and tests wait for, comes when the store first answers: at
        // start, or later if it was down or slow then (a cold JVM's first ping on a busy machine).
        String endpoints = "grpc=" + config.serverHost() + ":" + server.grpcPort() + " metrics=" + config.metricsHost()
                + ":" + server.metricsPort() + " store=" + config.storeType().label();
        probe.start(() -> log.info("todo-api ready: {}", endpoints),
                () -> log.warn("todo-api started but NOT READY (the store is unreachable; health follows it and is "
                        + "NOT_SERVING until it answers, then this log says ready): {}", endpoints));
        return server;
    }

    // ProtoReflectionService (v1alpha) is deprecated but kept next to v1 for older grpcurl and IDE clients.
    @SuppressWarnings("deprecation")
    private static Server buildGrpc(ApiConfig config, TodoStore store, EventLoops eventLoops,
                                    ShutdownClosableStreams healthStreams, HealthStatusManager health,
                                    MetricsServer metrics) {
        ServerServiceDefinition todos = new TodosService(store, config.dbPoolSize() + config.storeQueueSize()).bindService();
        MetricsInterceptor metricsInterceptor = new MetricsInterceptor(metrics.registry(),
                List.of(todos.getServiceDescriptor()));
        // Every code's counter of the service's methods, in every scrape; health's start with their first call.
        metrics.atFirstScrape(metricsInterceptor::registerEveryCode);
        if (config.authEnabled()) {
            todos = ServerInterceptors.intercept(todos, new AuthInterceptor(config.authTokens()));
        }
        // Parse requests inside the guard (so a bad one becomes INVALID_ARGUMENT); the last
        // interceptor runs first, so metrics also count parse and auth rejections.
        ServerServiceDefinition guardedTodos = ServerInterceptors.intercept(
                RequestParseGuard.parseInside(todos), new RequestParseGuard(), metricsInterceptor);

        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.serverHost(), config.serverPort()))
                .bossEventLoopGroup(eventLoops.group())
                .workerEventLoopGroup(eventLoops.group())
                .channelType(eventLoops.serverChannelType())
                // Handlers run on the event loop that read the call: store calls never block (they
                // return futures), so there is no thread hop per call.
                .directExecutor()
                .maxInboundMessageSize(config.maxInboundMessageSize())
                .addService(guardedTodos)
                .addService(ServerInterceptors.intercept(health.getHealthService(), healthStreams, metricsInterceptor))
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance());
        if (!config.maxConnectionAge().isZero()) {
            builder.maxConnectionAge(config.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS)
                    .maxConnectionAgeGrace(config.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
        config.tls().ifPresent(tls -> {
            try {
                builder.useTransportSecurity(tls.certChain().toFile(), tls.privateKey().toFile());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ConfigException("TLS_CERT_FILE=\"" + tls.certChain() + "\", TLS_KEY_FILE=\"" + tls.privateKey()
                        + "\": not a PEM certificate chain and matching PKCS#8 private key: " + e.getMessage(), e);
            }
        });
        return builder.build();
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    public int metricsPort() {
        return metrics.address().getPort();
    }

    /**
     * Graceful stop: health NOT_SERVING (open Watch streams see it, then end), no new calls (GOAWAY),
     * and every call the transport accepted, up to the final GOAWAY, gets up to SHUTDOWN_GRACE to
     * finish; then whatever still runs is cancelled, and the store and metrics are closed.
     */
    public synchronized void shutdown() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        Duration grace = config.shutdownGrace();
        log.info("shutting down: draining in-flight calls for up to {} ms", grace.toMillis());
        probe.shutdown();
        grpc.shutdown();
        healthStreams.closeAll(Status.UNAVAILABLE.withDescription("server shutting down"));
        if (!grpc.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("grace period over; cancelling the calls still running");
            grpc.shutdownNow();
            grpc.awaitTermination(5, TimeUnit.SECONDS);
        }
        store.close();
        eventLoops.close();
        metrics.close();
        log.info("stopped");
    }

    @Override
    public void close() {
        try {
            shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
