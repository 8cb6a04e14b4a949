package dev.todokube.bgkube.testing;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One request the mock API server received, in its log.
 *
 * @param sequence 1 for the first request the server received, then counting up
 * @param path the path without the query
 * @param query the query without '?', empty when there is none
 * @param contentType the Content-Type header, empty when there is none
 * @param userAgent the User-Agent header: {@code fabric8-kubernetes-client/...} for bg-kube and the
 *     tests, {@code kube-controller-manager/...} for the {@link ClusterSimulator}
 * @param body the body of a write (POST, PUT, PATCH, DELETE); empty for reads
 */
public record ApiRequest(long sequence, String method, String path, String query, String contentType, String userAgent,
        Instant time, Optional<String> body) {

    static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    public boolean isWrite() {
        return WRITES.contains(method);
    }

    /** Whether the simulated controllers sent it (the {@link ClusterSimulator}, not bg-kube or the test). */
    public boolean fromController() {
        return userAgent.startsWith(ClusterSimulator.USER_AGENT_PRODUCT + "/");
    }

    /** The method, path and query as one line, e.g. {@code PATCH /api/v1/namespaces/ns/services/x?fieldManager=bg-kube}. */
    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
}
