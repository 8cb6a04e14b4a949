package dev.todokube.bgkube.analysis;

import dev.todokube.bgkube.ClusterException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads todo-api's own call counters from its {@code /metrics} endpoints: calls by gRPC status code
 * ({@code grpc_server_handled_total}) and the call-duration histogram's cumulative buckets of the
 * OK calls ({@code grpc_server_call_duration_seconds_bucket{code="OK"}}: a failed call's latency is
 * not the service's), summed over every replica's endpoint.
 */
public final class MetricsScraper {

    static final String HANDLED = "grpc_server_handled_total";
    static final String BUCKET = "grpc_server_call_duration_seconds_bucket";
    static final String OK = "OK";
    /**
     * A new pod's first scrape binds its JVM metrics and registers its counters: about 0.35 s of
     * CPU, 3.5 s at a 100m limit, and longer on a starved node; 5 s timed out there.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Totals at one moment, summed over endpoints; or what they grew by between two moments. */
    record Snapshot(Map<String, Double> callsByCode, Map<Double, Double> bucketCounts) {

        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

        /** What each counter grew by since {@code before}; one that went down was reset and counts from zero. */
        Snapshot since(Snapshot before) {
            Map<String, Double> calls = new HashMap<>();
            callsByCode.forEach((code, count) -> calls.put(code, increase(before.callsByCode().getOrDefault(code, 0.0), count)));
            Map<Double, Double> buckets = new TreeMap<>();
            bucketCounts.forEach((le, count) -> buckets.put(le, increase(before.bucketCounts().getOrDefault(le, 0.0), count)));
            return new Snapshot(calls, buckets);
        }

        Snapshot plus(Snapshot other) {
            Map<String, Double> calls = new HashMap<>(callsByCode);
            other.callsByCode().forEach((code, count) -> calls.merge(code, count, Double::sum));
            Map<Double, Double> buckets = new TreeMap<>(bucketCounts);
            other.bucketCounts().forEach((le, count) -> buckets.merge(le, count, Double::sum));
            return new Snapshot(calls, buckets);
        }

        /** These counts as calls by code (whole, none left at zero) and a p99 from the buckets. */
        ServerMetrics toMetrics(List<URI> endpoints) {
            Map<String, Long> calls = new TreeMap<>();
            callsByCode.forEach((code, count) -> {
                if (Math.round(count) > 0) {
                    calls.put(code, Math.round(count));
                }
            });
            return new ServerMetrics(ServerMetrics.METRICS, endpoints, calls, quantile(0.99, bucketCounts) * 1000);
        }
    }

    Snapshot scrape(List<URI> endpoints) throws InterruptedException {
        Map<String, Double> calls = new HashMap<>();
        Map<Double, Double> buckets = new TreeMap<>();
        for (URI endpoint : endpoints) {
            for (PrometheusText.Sample sample : PrometheusText.parse(fetch(endpoint))) {
                if (isHealthOrReflection(sample.labels().get("service"))) {
                    continue;
                }
                if (sample.name().equals(HANDLED)) {
                    calls.merge(sample.labels().getOrDefault("code", "UNKNOWN"), sample.value(), Double::sum);
                } else if (sample.name().equals(BUCKET) && sample.labels().containsKey("le")
                        && OK.equals(sample.labels().get("code"))) {
                    buckets.merge(bound(sample.labels().get("le")), sample.value(), Double::sum);
                }
            }
        }
        return new Snapshot(calls, buckets);
    }

    /** What happened between two snapshots of the same endpoints. */
    static ServerMetrics between(List<URI> endpoints, Snapshot before, Snapshot after) {
        return after.since(before).toMetrics(endpoints);
    }

    /** A counter that went down was reset (the process restarted): everything it counts now is new. */
    private static double increase(double before, double after) {
        return after >= before ? after - before : after;
    }

    /**
     * The quantile of cumulative buckets (upper bound in seconds to count), interpolated linearly
     * inside the bucket it falls in, as PromQL's {@code histogram_quantile}; in the {@code +Inf}
     * bucket it is the highest finite bound. NaN when the buckets are empty.
     */
    static double quantile(double q, Map<Double, Double> cumulative) {
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lower = 0;
        double countBelow = 0;
        for (Map.Entry<Double, Double> bucket : new TreeMap<>(cumulative).entrySet()) {
            double upper = bucket.getKey();
            double count = bucket.getValue();
            if (count >= rank) {
                if (upper == Double.POSITIVE_INFINITY) {
                    return lower;
                }
                return count == countBelow ? upper : lower + (upper - lower) * (rank - countBelow) / (count - countBelow);
            }
            lower = upper;
            countBelow = count;
        }
        return lower;
    }

    private String fetch(URI endpoint) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ClusterException("metrics endpoint " + endpoint + " answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new ClusterException("metrics endpoint " + endpoint + " unreachable: " + e, e);
        } catch (IllegalArgumentException e) {
            throw new ClusterException("metrics endpoint " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHealthOrReflection(String service) {
        return service != null && (service.startsWith("grpc.health.") || service.startsWith("grpc.reflection."));
    }

    private static double bound(String le) {
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
