package dev.todokube.bgkube.analysis;

/**
 * How one side's calls reach it. A ratio of two p99s compares the versions only when both sides
 * were reached the same way: through port-forwards to as many pods each, or each through its own
 * Service; the verdict table says which, and warns when they differ.
 */
public sealed interface Route {

    /** Port-forwards through the API server, one per pod. */
    record PortForward(int pods, String target) implements Route {
        @Override
        public String describe() {
            return "port-forward to " + pods + (pods == 1 ? " pod" : " pods") + " of " + target;
        }

        @Override
        public boolean sameKindAs(Route other) {
            return other instanceof PortForward forward && forward.pods() == pods;
        }
    }

    /** A Service's address, e.g. its load balancer's. */
    record ThroughService(String service, String address) implements Route {
        @Override
        public String describe() {
            return "Service " + service + " at " + address;
        }

        @Override
        public boolean sameKindAs(Route other) {
            return other instanceof ThroughService;
        }
    }

    /** E.g. {@code port-forward to 1 pod of todo-api-green}. */
    String describe();

    /** Whether the other side went the same kind of way, so their latencies compare. */
    boolean sameKindAs(Route other);
}
