package dev.todokube.bgkube.analysis;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a side's replicas counted themselves over the analysis window: the difference of two scrapes
 * of {@code grpc_server_handled_total} and of the OK calls' {@code grpc_server_call_duration_seconds},
 * summed over the replicas (health checks and reflection left out).
 *
 * @param source where the figures come from: {@link #METRICS} (the replicas' endpoints, scraped by
 *     bg-kube) or {@link #PROMETHEUS} (a Prometheus server's copy of the same counters)
 * @param sources the endpoints scraped, or the Prometheus server
 * @param callsByCode calls completed in the window, by gRPC status code
 * @param p99Ms the 99th percentile of the OK calls from the histogram's buckets, interpolated as
 *     PromQL's {@code histogram_quantile} does; NaN when there was no OK call
 */
public record ServerMetrics(String source, List<URI> sources, Map<String, Long> callsByCode, double p99Ms) {

    public static final String METRICS = "metrics";
    public static final String PROMETHEUS = "prometheus";

    public ServerMetrics {
        if (!source.equals(METRICS) && !source.equals(PROMETHEUS)) {
            throw new IllegalArgumentException("unknown metrics source " + source);
        }
        sources = List.copyOf(sources);
        callsByCode = Collections.unmodifiableSortedMap(new TreeMap<>(callsByCode));
    }

    public long calls() {
        return callsByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    public long errors() {
        return calls() - callsByCode.getOrDefault("OK", 0L);
    }

    /** Non-OK calls over all calls; NaN when there were none. */
    public double errorRate() {
        long calls = calls();
        return calls == 0 ? Double.NaN : (double) errors() / calls;
    }
}
