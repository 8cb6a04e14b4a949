package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.LeaseLostException;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A {@code coordination.k8s.io/v1} Lease held while a release (publish, promote, abort, rollback)
 * runs, so two of them cannot interleave, and on which the holder records what it is doing.
 *
 * <p>Every write is an update at the resourceVersion this holder last wrote, so a write succeeds only
 * while nobody else has touched the lease: {@link #ensureHeld()} before each step that changes what
 * users are served proves the lease is still this process's, and fails with {@link LeaseLostException}
 * otherwise. Renewed every third of its duration while held; released on {@link #close()}.
 *
 * <p>Expiry is timed as client-go's leader election times it: on the taker's own clock, from when it
 * saw the lease last change, never by comparing the holder's {@code renewTime} with the taker's clock
 * (a holder whose clock is minutes ahead or behind would otherwise look dead or alive wrongly). A
 * taker that finds the lease held watches it: a renewal within the holder's lease duration means the
 * holder lives (refused); no change for that long means it stopped, and the lease is taken over.
 *
 * <p>A renewal is one attempt, made only when no step is writing the lease (a step's write renews it
 * too): a renewal that retried through an API server outage while holding the lease would keep a
 * step's write, the record of an undo above all, waiting until the outage ended.
 */
public final class ClusterLock implements AutoCloseable {

    private static final int CONFLICT = 409;
    /** Counts this holder's writes, so each one changes the lease. */
    static final String RENEWALS = "bg-kube.todokube.dev/renewals";

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final Clock clock;
    private final Consumer<String> log;
    private final ApiCalls api;
    private final ApiCalls once;
    private final ScheduledExecutorService renewal;
    /** Fair, so a step's write waiting for it goes before the next renewal. */
    private final ReentrantLock writing = new ReentrantLock(true);
    private Lease current;
    private String lostTo;
    private boolean closed;

    private ClusterLock(KubernetesClient client, String namespace, String name, String holder, Duration duration,
            Clock clock, Consumer<String> log, ApiCalls api, Lease current) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.holder = holder;
        this.clock = clock;
        this.log = log;
        this.api = api;
        this.once = api.once();
        this.current = current;
        this.renewal = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bg-kube-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, duration.toMillis() / 3);
        renewal.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease or refuses with who holds it.
     *
     * @param holder who takes it, unique to this process (shown to a command that is refused)
     * @param pollInterval how often a held lease is looked at while waiting to see whether it is renewed
     */
    static ClusterLock acquire(KubernetesClient client, String namespace, String name, String holder, Duration duration,
            Duration pollInterval, Clock clock, Consumer<String> log, ApiCalls api) {
        var leases = client.leases().inNamespace(namespace);
        while (true) {
            Lease lease = api.call("read lease " + name, () -> leases.withName(name).get());
            String other = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
            try {
                if (lease == null) {
                    Lease created = create(leases, name, holder, duration, clock, api);
                    return taken(client, namespace, name, holder, duration, clock, log, api, created);
                }
                if (holder.equals(other)) {
                    // This process's own write whose answer was lost.
                    return taken(client, namespace, name, holder, duration, clock, log, api, lease);
                }
                boolean held = other != null && !other.isBlank();
                if (held && !expiresUnchanged(leases, name, lease, pollInterval, log, api)) {
                    continue;
                }
                Lease updated = update(leases, takeOver(lease, holder, duration, clock), api);
                if (held) {
                    log.accept("took over the lock of " + other + ": not renewed for its "
                            + lease.getSpec().getLeaseDurationSeconds() + "s lease duration (its bg-kube stopped)");
                }
                return taken(client, namespace, name, holder, duration, clock, log, api, updated);
            } catch (KubernetesClientException e) {
                if (e.getCode() != CONFLICT) {
                    throw e;
                }
                // Someone else wrote the lease since it was read: look again.
            }
        }
    }

    private static Lease create(NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> leases, String name,
            String holder, Duration duration, Clock clock, ApiCalls api) {
        ZonedDateTime now = now(clock);
        Lease lease = new LeaseBuilder()
                .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/managed-by", "bg-kube").endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(seconds(duration))
                .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec()
                .build();
        return api.call("create lease " + name, () -> {
            try {
                return leases.resource(lease).create();
            } catch (KubernetesClientException e) {
                Lease existing = e.getCode() == CONFLICT ? leases.withName(name).get() : null;
                if (existing != null && existing.getSpec() != null && holder.equals(existing.getSpec().getHolderIdentity())) {
                    return existing;
                }
                throw e;
            }
        });
    }

    /**
     * Watches a held lease on this process's clock. True when it did not change for the holder's lease
     * duration (the holder stopped: take it over at the resourceVersion seen); false when it was
     * released or deleted meanwhile (read it again); refuses as soon as a holder writes it (renewed, or
     * taken by another).
     */
    private static boolean expiresUnchanged(NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> leases,
            String name, Lease seen, Duration pollInterval, Consumer<String> log, ApiCalls api) {
        int seconds = seen.getSpec().getLeaseDurationSeconds() == null ? 0 : seen.getSpec().getLeaseDurationSeconds();
        long unchangedSince = System.nanoTime();
        log.accept("lease " + name + " is held by " + seen.getSpec().getHolderIdentity() + "; waiting up to " + seconds
                + "s to see whether it is renewed (a holder that stopped is taken over then)");
        while (System.nanoTime() - unchangedSince < Duration.ofSeconds(seconds).toNanos()) {
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted while waiting for lease " + name, e);
            }
            Lease now = api.call("read lease " + name, () -> leases.withName(name).get());
            if (now == null || !Objects.equals(now.getMetadata().getResourceVersion(), seen.getMetadata().getResourceVersion())) {
                String holder = now == null || now.getSpec() == null ? null : now.getSpec().getHolderIdentity();
                if (holder == null || holder.isBlank()) {
                    return false;
                }
                throw held(name, now);
            }
        }
        return true;
    }

    private static Lease takeOver(Lease lease, String holder, Duration duration, Clock clock) {
        int transitions = lease.getSpec() == null || lease.getSpec().getLeaseTransitions() == null
                ? 0 : lease.getSpec().getLeaseTransitions();
        ZonedDateTime now = now(clock);
        return new LeaseBuilder(lease).editOrNewSpec().withHolderIdentity(holder)
                .withLeaseDurationSeconds(seconds(duration)).withAcquireTime(now).withRenewTime(now)
                .withLeaseTransitions(transitions + 1).endSpec().build();
    }

    private static ClusterLock taken(KubernetesClient client, String namespace, String name, String holder,
            Duration duration, Clock clock, Consumer<String> log, ApiCalls api, Lease lease) {
        log.accept("holding lease " + name + " in namespace " + namespace + " (no other release of this service can run "
                + "meanwhile)");
        return new ClusterLock(client, namespace, name, holder, duration, clock, log, api, lease);
    }

    private static ClusterException held(String name, Lease lease) {
        var spec = lease.getSpec();
        return new ClusterException("another release is running: lease " + name + " is held by "
                + spec.getHolderIdentity() + (spec.getAcquireTime() == null ? "" : " since " + spec.getAcquireTime().toInstant())
                + ", which renews it (wait for it to finish; bg-kube status shows what it does)");
    }

    /** The release record and other annotations on the lease, as last written. */
    public Map<String, String> annotations() {
        writing.lock();
        try {
            return current.getMetadata().getAnnotations() == null ? Map.of() : Map.copyOf(current.getMetadata().getAnnotations());
        } finally {
            writing.unlock();
        }
    }

    /**
     * Proves the lease is still this process's by renewing it at the resourceVersion this process last
     * wrote.
     *
     * @throws LeaseLostException another process took it (this one stopped renewing for too long)
     */
    public void ensureHeld() {
        annotate(Map.of());
    }

    /**
     * Sets (or, with an empty value, removes) annotations on the lease in the same write as a renewal:
     * the record of what this holder does, which no other process can overwrite while it holds it.
     */
    public void annotate(Map<String, Optional<String>> changes) {
        writing.lock();
        try {
            write(changes, api);
        } finally {
            writing.unlock();
        }
    }

    private void write(Map<String, Optional<String>> changes, ApiCalls calls) {
        if (lostTo != null) {
            throw lost();
        }
        Lease next = withChanges(current, changes);
        try {
            current = calls.call("renew lease " + name, () -> {
                try {
                    return client.leases().inNamespace(namespace).resource(next).update();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != CONFLICT) {
                        throw e;
                    }
                    // An earlier write of this process may have landed without its answer: same holder, newer version.
                    Lease seen = client.leases().inNamespace(namespace).withName(name).get();
                    if (seen != null && seen.getSpec() != null && holder.equals(seen.getSpec().getHolderIdentity())) {
                        return client.leases().inNamespace(namespace).resource(withChanges(seen, changes)).update();
                    }
                    throw e;
                }
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                Lease seen = calls.call("read lease " + name, () -> client.leases().inNamespace(namespace).withName(name).get());
                lostTo = seen == null || seen.getSpec() == null || seen.getSpec().getHolderIdentity() == null
                        ? "nobody (it was released or deleted)" : seen.getSpec().getHolderIdentity();
                throw lost();
            }
            throw e;
        }
    }

    private Lease withChanges(Lease base, Map<String, Optional<String>> changes) {
        Map<String, String> annotations = new HashMap<>(
                base.getMetadata().getAnnotations() == null ? Map.of() : base.getMetadata().getAnnotations());
        changes.forEach((key, value) -> value.ifPresentOrElse(v -> annotations.put(key, v), () -> annotations.remove(key)));
        // Every renewal changes the lease, whatever the holder's clock does (a frozen or stepped-back
        // clock writes the same renewTime, and an unchanged lease looks abandoned to a taker).
        annotations.put(RENEWALS, String.valueOf(count(annotations.get(RENEWALS)) + 1));
        return new LeaseBuilder(base).editMetadata().withAnnotations(annotations).endMetadata()
                .editOrNewSpec().withRenewTime(now(clock)).endSpec().build();
    }

    private static long count(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private LeaseLostException lost() {
        return new LeaseLostException("lost lease " + name + ": it is now held by " + lostTo
                + " (this bg-kube could not renew it in time, and another took it over)");
    }

    private void renew() {
        if (!writing.tryLock()) {
            return;
        }
        try {
            if (closed || lostTo != null) {
                return;
            }
            write(Map.of(), once);
        } catch (LeaseLostException e) {
            log.accept("warning: " + e.getMessage() + "; stopping before the next step");
        } catch (RuntimeException e) {
            log.accept("warning: could not renew lease " + name + " (trying again in a third of its duration): "
                    + e.getMessage());
        } finally {
            writing.unlock();
        }
    }

    /** Stops renewing and releases the lease, if this process still holds it. */
    @Override
    public void close() {
        writing.lock();
        try {
            release();
        } finally {
            writing.unlock();
        }
    }

    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        renewal.shutdownNow();
        if (lostTo != null) {
            return;
        }
        try {
            Lease released = new LeaseBuilder(current).editOrNewSpec().withHolderIdentity(null).endSpec().build();
            api.run("release lease " + name, () -> client.leases().inNamespace(namespace).resource(released).update());
        } catch (RuntimeException e) {
            log.accept("warning: could not release lease " + name + " (it expires " + current.getSpec().getLeaseDurationSeconds()
                    + "s after its last renewal): " + e.getMessage());
        }
    }

    private static ZonedDateTime now(Clock clock) {
        return ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
    }

    private static int seconds(Duration duration) {
        return (int) Math.max(1, duration.toSeconds());
    }

    private static Lease update(NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> leases, Lease lease,
            ApiCalls api) {
        return api.call("update lease", () -> leases.resource(lease).update());
    }
}
