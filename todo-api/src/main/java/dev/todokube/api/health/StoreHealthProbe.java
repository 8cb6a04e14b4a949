package dev.todokube.api.health;

import dev.todokube.api.store.TodoException;
import dev.todokube.api.store.TodoStore;
import dev.todokube.proto.TodosGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings the store about once a second and publishes the result through grpc.health.v1 for the
 * whole server ("") and for grpc.Todos: SERVING only while the store answers (readiness). The ping
 * is bounded by the store's own timeout (DB_TIMEOUT). The {@value #LIVENESS} service reports the
 * process alone and never follows the store: a database outage must not make the kubelet restart
 * every pod. {@link #shutdown()} makes everything NOT_SERVING for good. Once the store answers and
 * {@code prepareAfter} has passed since start, the probe runs the store's one-time set-up
 * ({@link TodoStore#prepare()}, MongoDB's list index): a new pod's first calls get its CPU first.
 */
public final class StoreHealthProbe implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreHealthProbe.class);
    /** The health service name for liveness and startup probes. */
    public static final String LIVENESS = "liveness";
    private static final String[] SERVICES = {HealthStatusManager.SERVICE_NAME_ALL_SERVICES, TodosGrpc.SERVICE_NAME};

    private final TodoStore store;
    private final HealthStatusManager health;
    private final Duration interval;
    private final Duration answerWithin;
    private final long prepareAt;
    private final ScheduledExecutorService scheduler;
    private volatile ServingStatus last;
    // Only the probe's single thread (and start(), before it is scheduled) touch these.
    private String lastRefusal;
    private boolean prepared;
    private Runnable onFirstServing = () -> { };

    /**
     * @param storeTimeout the store's own bound on a call (DB_TIMEOUT); a ping gets twice that, since
     *     finding the server and the command's reply each get it, then counts as unreachable
     * @param prepareAfter how long after it is built the probe may run the store's set-up
     */
    public StoreHealthProbe(TodoStore store, HealthStatusManager health, Duration interval, Duration storeTimeout,
                            Duration prepareAfter) {
        this.store = store;
        this.health = health;
        this.interval = interval;
        this.prepareAt = System.nanoTime() + prepareAfter.toNanos();
        // Not multipliedBy: its BigDecimal arithmetic initialises BigDecimal's tables at start-up.
        this.answerWithin = storeTimeout.plus(storeTimeout);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "health-probe");
            thread.setDaemon(true);
            return thread;
        });
        health.setStatus(LIVENESS, ServingStatus.SERVING);
        for (String service : SERVICES) {
            health.setStatus(service, ServingStatus.NOT_SERVING);
        }
    }

    /**
     * Probes once now (so a healthy server is SERVING when this returns), then periodically.
     * {@code ready} runs once, when a probe first finds the store reachable: in this call, or later on
     * the probe's thread. {@code notReady} runs in this call, before any later probe, when the first
     * one does not.
     */
    public void start(Runnable ready, Runnable notReady) {
        onFirstServing = ready;
        probe();
        if (!storeReachable()) {
            notReady.run();
        }
        scheduler.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the last probe found the store reachable. */
    public boolean storeReachable() {
        return last == ServingStatus.SERVING;
    }

    /** NOT_SERVING for every service from now on, whatever the store does. */
    public void shutdown() {
        scheduler.shutdownNow();
        health.enterTerminalState();
    }

    @Override
    public void close() {
        shutdown();
    }

    private void probe() {
        try {
            await(store.ping(), "a ping");
            publish(ServingStatus.SERVING);
        } catch (TodoException.StoreUnavailable e) {
            if (last != ServingStatus.NOT_SERVING) {
                log.warn("store unreachable, health NOT_SERVING: {}", e.getMessage());
            }
            publish(ServingStatus.NOT_SERVING);
        } catch (TodoException e) {
            // It answered: a refusal (rights, an index it will not build) is for the log, not for
            // readiness; taking every pod out of the Service would not fix it.
            if (!e.getMessage().equals(lastRefusal)) {
                log.warn("store answered the health probe with a refusal (health stays SERVING): {}", e.getMessage());
                lastRefusal = e.getMessage();
            }
            publish(ServingStatus.SERVING);
        } catch (RuntimeException e) {
            log.warn("store health probe failed, health NOT_SERVING", e);
            publish(ServingStatus.NOT_SERVING);
        }
        if (last == ServingStatus.SERVING && !prepared && System.nanoTime() - prepareAt >= 0) {
            prepare();
        }
    }

    private void prepare() {
        try {
            await(store.prepare(), "the store's set-up");
            prepared = true;
        } catch (TodoException.StoreUnavailable e) {
            log.warn("store set-up failed, retried at the next probe: {}", e.getMessage());
        } catch (TodoException e) {
            // A refusal (rights, an index the database will not build) does not go away on retry.
            log.warn("store refused its set-up (not retried; the service works without it): {}", e.getMessage());
            prepared = true;
        }
    }

    // The probe's own thread waits; nothing else does.
    private void await(CompletableFuture<Void> call, String what) {
        try {
            call.get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            call.cancel(false);
            throw new TodoException.StoreUnavailable("no answer to " + what + " within " + answerWithin.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            call.cancel(false);
            Thread.currentThread().interrupt();
            throw new TodoException.StoreUnavailable("health probe interrupted", e);
        }
    }

    private void publish(ServingStatus status) {
        // The first probe's outcome is always logged, a failure with its cause.
        boolean nowServing = status == ServingStatus.SERVING && last != ServingStatus.SERVING;
        if (nowServing) {
            log.info("store reachable, health SERVING");
        }
        last = status;
        for (String service : SERVICES) {
            health.setStatus(service, status);
        }
        if (nowServing) {
            Runnable first = onFirstServing;
            onFirstServing = () -> { };
            first.run();
        }
    }
}
