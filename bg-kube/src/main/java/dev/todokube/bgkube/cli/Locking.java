package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.deploy.ServiceManifests;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;

/** The Lease that every release (publish, promote, abort, rollback) holds, one per service: {@code bg-kube-<public Service name>}. */
final class Locking {

    private Locking() {}

    static String leaseName(ServiceManifests manifests) {
        return "bg-kube-" + manifests.serviceName();
    }

    static ClusterLock lock(KubeCluster cluster, ServiceManifests manifests, String holder, Toolbox toolbox) {
        return cluster.lock(leaseName(manifests), holder, toolbox.timing().leaseDuration());
    }

    /**
     * Who takes a lease, unique to this process, so a taker never mistakes another process for itself:
     * {@code user@host (pid N, command, id 1a2b3c4d)}.
     */
    static String holder(String command, String id) {
        return System.getProperty("user.name", "?") + "@" + host() + " (pid " + ProcessHandle.current().pid() + ", "
                + command + ", id " + id.substring(0, 8) + ")";
    }

    /** A new release id. */
    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** This machine's name: bash does not export HOSTNAME, so the environment alone often has none. */
    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("unknown-host");
        }
    }
}
