package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cluster.PortForwarder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of {@link PortForwarder}: the mock API server has no pods to forward to, so each
 * tunnel reports a fixed local address (per Service when routed, e.g. to a real todo-api process);
 * opened and closed tunnels are recorded.
 */
public final class FixedPortForwarder implements PortForwarder {

    private final String address;
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final Map<String, PodRoute> podRoutes = new ConcurrentHashMap<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();

    public FixedPortForwarder(String address) {
        this.address = address;
    }

    /** The address tunnels report unless routed otherwise. */
    public String defaultAddress() {
        return address;
    }

    /** Tunnels to this Service report {@code serviceAddress} instead of the fixed address. */
    public FixedPortForwarder route(String service, String serviceAddress) {
        routes.put(service, serviceAddress);
        return this;
    }

    /** Tunnels to a pod whose name starts with {@code podPrefix} report {@code podAddress}. */
    public FixedPortForwarder routePods(String podPrefix, String podAddress) {
        return routePods(podPrefix, podAddress, 0, podAddress);
    }

    /**
     * The first {@code openings} tunnels to pods whose name starts with {@code podPrefix} report
     * {@code first}, later ones {@code then}: a pod whose counters change between two readers.
     */
    public FixedPortForwarder routePods(String podPrefix, String first, int openings, String then) {
        podRoutes.put(podPrefix, new PodRoute(first, openings, then, new AtomicInteger()));
        return this;
    }

    private record PodRoute(String first, int openings, String then, AtomicInteger opened) {
        String next() {
            return opened.getAndIncrement() < openings ? first : then;
        }
    }

    /** Services forwarded to, as {@code name:port}. */
    public List<String> opened() {
        return List.copyOf(opened);
    }

    public List<String> closed() {
        return List.copyOf(closed);
    }

    @Override
    public Tunnel openPod(String namespace, String pod, int port) {
        String podAddress = podRoutes.entrySet().stream().filter(route -> pod.startsWith(route.getKey()))
                .map(route -> route.getValue().next()).findFirst().orElse(address);
        return tunnel("pod/" + pod + ":" + port, podAddress);
    }

    @Override
    public Tunnel open(String namespace, String service, int port) {
        return tunnel(service + ":" + port, routes.getOrDefault(service, address));
    }

    private Tunnel tunnel(String target, String tunnelAddress) {
        opened.add(target);
        return new Tunnel() {
            @Override
            public String address() {
                return tunnelAddress;
            }

            @Override
            public void close() {
                closed.add(target);
            }
        };
    }
}
