package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@code coordination.k8s.io/v1} Lease held while a publish or rollback runs, so two of them
 * cannot interleave. Taken with the API server's optimistic concurrency (create, or update at
 * the resourceVersion read), renewed every third of its duration while held, and released on
 * {@link #close()}. A holder that died stops renewing: its lease expires after its duration and
 * the next command takes it over.
 */
public final class ClusterLock implements AutoCloseable {

    private static final int HTTP_CONFLICT = 409;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final Clock clock;
    private final Consumer<String> log;
    private final ScheduledExecutorService renewal;

    private ClusterLock(KubernetesClient client, String namespace, String name, String holder, Duration duration,
            Clock clock, Consumer<String> log) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.holder = holder;
        this.clock = clock;
        this.log = log;
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
     * @param holder who takes it, shown to a command that is refused (user, host, pid, command)
     */
    static ClusterLock acquire(KubernetesClient client, String namespace, String name, String holder, Duration duration,
            Clock clock, Consumer<String> log) {
        var leases = client.leases().inNamespace(namespace);
        Lease current = leases.withName(name).get();
        ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
        try {
            if (current == null) {
                leases.resource(new LeaseBuilder()
                        .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/managed-by", "bg-kube").endMetadata()
                        .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) duration.toSeconds())
                        .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec()
                        .build()).create();
            } else {
                String other = current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
                if (other != null && !other.isBlank() && !expired(current, now)) {
                    throw held(name, current, now);
                }
                int transitions = current.getSpec() == null || current.getSpec().getLeaseTransitions() == null
                        ? 0 : current.getSpec().getLeaseTransitions();
                // Updated at the resourceVersion just read: a racing taker gets a 409.
                leases.resource(new LeaseBuilder(current).editOrNewSpec().withHolderIdentity(holder)
                        .withLeaseDurationSeconds((int) duration.toSeconds()).withAcquireTime(now).withRenewTime(now)
                        .withLeaseTransitions(transitions + 1).endSpec().build()).update();
                if (other != null && !other.isBlank()) {
                    log.accept("took over the expired lock of " + other);
                }
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == HTTP_CONFLICT) {
                Lease winner = leases.withName(name).get();
                throw winner == null ? new ClusterException("lease " + name + ": taken and released by another bg-kube meanwhile; "
                        + "try again") : held(name, winner, now);
            }
            throw e;
        }
        log.accept("holding lease " + name + " in namespace " + namespace + " (no other publish or rollback of this "
                + "service can run meanwhile)");
        return new ClusterLock(client, namespace, name, holder, duration, clock, log);
    }

    private static boolean expired(Lease lease, ZonedDateTime now) {
        var spec = lease.getSpec();
        ZonedDateTime renewed = spec.getRenewTime() != null ? spec.getRenewTime() : spec.getAcquireTime();
        int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
        return renewed == null || !renewed.plusSeconds(seconds).isAfter(now);
    }

    private static ClusterException held(String name, Lease lease, ZonedDateTime now) {
        var spec = lease.getSpec();
        ZonedDateTime renewed = spec.getRenewTime() != null ? spec.getRenewTime() : spec.getAcquireTime();
        long left = renewed == null || spec.getLeaseDurationSeconds() == null ? 0
                : Math.max(0, Duration.between(now, renewed.plusSeconds(spec.getLeaseDurationSeconds())).toSeconds());
        return new ClusterException("another publish or rollback is running: lease " + name + " is held by "
                + spec.getHolderIdentity() + (spec.getAcquireTime() == null ? "" : " since " + spec.getAcquireTime().toInstant())
                + " (it expires " + left + "s after its holder stops renewing it; wait for it to finish)");
    }

    private synchronized void renew() {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease == null || lease.getSpec() == null || !Objects.equals(holder, lease.getSpec().getHolderIdentity())) {
                log.accept("warning: lost lease " + name + " (now held by "
                        + (lease == null || lease.getSpec() == null ? "nobody" : lease.getSpec().getHolderIdentity()) + ")");
                return;
            }
            lease.getSpec().setRenewTime(ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC));
            client.leases().inNamespace(namespace).resource(lease).update();
        } catch (RuntimeException e) {
            log.accept("warning: could not renew lease " + name + ": " + e.getMessage());
        }
    }

    /** Stops renewing and releases the lease, if this process still holds it. */
    @Override
    public synchronized void close() {
        renewal.shutdownNow();
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease != null && lease.getSpec() != null && Objects.equals(holder, lease.getSpec().getHolderIdentity())) {
                lease.getSpec().setHolderIdentity(null);
                client.leases().inNamespace(namespace).resource(lease).update();
            }
        } catch (RuntimeException e) {
            log.accept("warning: could not release lease " + name + " (it expires on its own): " + e.getMessage());
        }
    }
}
