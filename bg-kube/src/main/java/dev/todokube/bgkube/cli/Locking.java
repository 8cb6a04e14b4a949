package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.deploy.ServiceManifests;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The Lease that publish and rollback hold, one per service: {@code bg-kube-<public Service name>}. */
final class Locking {

    /** Renewed every third of it; a holder that died blocks others for at most this long. */
    static final Duration LEASE_DURATION = Duration.ofSeconds(60);

    private Locking() {}

    static ClusterLock lock(KubeCluster cluster, ServiceManifests manifests, String command, Clock clock) {
        String holder = System.getProperty("user.name", "?") + "@"
                + Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost")
                + " (pid " + ProcessHandle.current().pid() + ", " + command + ")";
        return cluster.lock("bg-kube-" + manifests.serviceName(), holder, LEASE_DURATION, clock);
    }
}
