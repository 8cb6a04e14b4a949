package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * {@link PortForwarder} over the Kubernetes port-forward API, bound to 127.0.0.1 on a free port.
 * Like {@code kubectl port-forward svc/NAME}, it picks a ready pod the Service selects and resolves
 * the Service port's target port, also when that is a container port's name.
 */
public final class Fabric8PortForwarder implements PortForwarder {

    private final KubernetesClient client;

    public Fabric8PortForwarder(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Tunnel open(String namespace, String serviceName, int port) {
        Service service = client.services().inNamespace(namespace).withName(serviceName).get();
        if (service == null) {
            throw new ClusterException("cannot port-forward: service " + serviceName + " does not exist");
        }
        Map<String, String> selector = service.getSpec().getSelector();
        Pod pod = client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
                .filter(Fabric8PortForwarder::isReady)
                .min(Comparator.comparing(p -> p.getMetadata().getName()))
                .orElseThrow(() -> new ClusterException("cannot port-forward to service " + serviceName
                        + ": no ready pod matches its selector " + selector));
        return forward(namespace, pod.getMetadata().getName(), targetPort(service, port, pod), "service " + serviceName);
    }

    @Override
    public Tunnel openPod(String namespace, String pod, int port) {
        return forward(namespace, pod, port, "pod " + pod);
    }

    private Tunnel forward(String namespace, String pod, int podPort, String what) {
        LocalPortForward forward = client.pods().inNamespace(namespace).withName(pod)
                .portForward(podPort, InetAddress.getLoopbackAddress(), 0);
        String address = "127.0.0.1:" + forward.getLocalPort();
        return new Tunnel() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public void close() {
                try {
                    forward.close();
                } catch (IOException e) {
                    throw new ClusterException("cannot close the port-forward to " + what + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private static int targetPort(Service service, int port, Pod pod) {
        ServicePort servicePort = service.getSpec().getPorts().stream()
                .filter(p -> Objects.equals(p.getPort(), port)).findFirst()
                .orElseThrow(() -> new ClusterException("service " + service.getMetadata().getName() + " has no port " + port));
        IntOrString target = servicePort.getTargetPort();
        if (target == null) {
            return port;
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        String name = target.getStrVal();
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> name.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new ClusterException("pod " + pod.getMetadata().getName() + " has no container port named "
                        + name + " (target of service " + service.getMetadata().getName() + ")"));
    }

    private static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && "Running".equals(pod.getStatus().getPhase()) && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
