package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cluster.PortForwarder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of {@link PortForwarder}: the mock API server has no pods to forward to, so each
 * tunnel reports a fixed local address (per Service when routed, e.g. to a real todo-api process);
 * opened and closed tunnels are recorded.
 */
public final class FixedPortForwarder implements PortForwarder {

    private final String address;
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final List<String> closed = new CopyOnWriteArrayList<>();

    public FixedPortForwarder(String address) {
        this.address = address;
    }

    /** Tunnels to this Service report {@code serviceAddress} instead of the fixed address. */
    public FixedPortForwarder route(String service, String serviceAddress) {
        routes.put(service, serviceAddress);
        return this;
    }

    /** Services forwarded to, as {@code name:port}. */
    public List<String> opened() {
        return List.copyOf(opened);
    }

    public List<String> closed() {
        return List.copyOf(closed);
    }

    @Override
    public Tunnel open(String namespace, String service, int port) {
        String target = service + ":" + port;
        opened.add(target);
        return new Tunnel() {
            @Override
            public String address() {
                return routes.getOrDefault(service, address);
            }

            @Override
            public void close() {
                closed.add(target);
            }
        };
    }
}
