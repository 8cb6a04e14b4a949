package dev.todokube.bgkube.cluster;

/**
 * Opens a local tunnel to a Service port, as {@code kubectl port-forward svc/NAME} does: the
 * way to reach a smoke Service on clusters without LoadBalancers (kind, minikube, private ones).
 */
public interface PortForwarder {

    Tunnel open(String namespace, String service, int port);

    /** A tunnel to one pod's port, as {@code kubectl port-forward pod/NAME} (e.g. each pod's metrics port). */
    Tunnel openPod(String namespace, String pod, int port);

    /** An open local endpoint; closing it stops forwarding. */
    interface Tunnel extends AutoCloseable {

        /** {@code host:port} to connect to. */
        String address();

        @Override
        void close();
    }
}
