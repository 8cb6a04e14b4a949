package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The window's figures from two scrapes: counts by code, PromQL-style quantiles, resets, health checks left out. */
class MetricsScraperTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void quantileInterpolatesInsideItsBucketAsPromQlDoes() {
        Map<Double, Double> buckets = new TreeMap<>(Map.of(0.001, 50.0, 0.01, 90.0, 0.1, 100.0, INF, 100.0));

        // rank 99 of 100 falls in (0.01, 0.1] holding calls 91..100: 0.01 + 0.09 * 9/10.
        assertThat(MetricsScraper.quantile(0.99, buckets)).isCloseTo(0.091, within(1e-9));
        // rank 50 is the first bucket's last call: its upper bound.
        assertThat(MetricsScraper.quantile(0.5, buckets)).isCloseTo(0.001, within(1e-9));
    }

    @Test
    void quantileInTheInfiniteBucketIsTheHighestFiniteBoundAndEmptyIsNaN() {
        assertThat(MetricsScraper.quantile(0.99, new TreeMap<>(Map.of(0.5, 1.0, 1.0, 2.0, INF, 10.0)))).isEqualTo(1.0);
        assertThat(MetricsScraper.quantile(0.99, new TreeMap<>(Map.of(0.5, 0.0, INF, 0.0)))).isNaN();
    }

    @Test
    void theWindowIsTheDifferenceOfTwoScrapesAndAResetCountsFromZero() {
        MetricsScraper.Snapshot before = new MetricsScraper.Snapshot(Map.of("OK", 100.0, "NOT_FOUND", 5.0),
                Map.of(0.001, 90.0, 0.01, 105.0, INF, 105.0));
        MetricsScraper.Snapshot after = new MetricsScraper.Snapshot(Map.of("OK", 180.0, "NOT_FOUND", 3.0, "INTERNAL", 20.0),
                Map.of(0.001, 160.0, 0.01, 208.0, INF, 208.0));

        ServerMetrics window = MetricsScraper.between(List.of(URI.create("http://127.0.0.1:1/metrics")), before, after);

        // NOT_FOUND went down: the process restarted, so its 3 are all new.
        assertThat(window.callsByCode()).isEqualTo(Map.of("OK", 80L, "NOT_FOUND", 3L, "INTERNAL", 20L));
        assertThat(window.errorRate()).isCloseTo(23.0 / 103, within(1e-9));
        // 103 calls in the window, 70 of them within 1 ms: p99 (rank 101.97) in (1 ms, 10 ms].
        assertThat(window.p99Ms()).isCloseTo(1 + 9 * (101.97 - 70) / 33, within(1e-6));
    }

    /** A failed call's latency is not the service's: 40 calls failed after 5 s, and the p99 is still the OK calls'. */
    @Test
    void theP99IsTheOkCallsAlone() throws Exception {
        String text = """
                grpc_server_handled_total{code="OK",method="GetTodos",service="grpc.Todos"} 960.0
                grpc_server_handled_total{code="UNAVAILABLE",method="GetTodos",service="grpc.Todos"} 40.0
                grpc_server_call_duration_seconds_bucket{code="OK",method="GetTodos",service="grpc.Todos",le="0.001"} 960.0
                grpc_server_call_duration_seconds_bucket{code="OK",method="GetTodos",service="grpc.Todos",le="5.0"} 960.0
                grpc_server_call_duration_seconds_bucket{code="OK",method="GetTodos",service="grpc.Todos",le="+Inf"} 960.0
                grpc_server_call_duration_seconds_bucket{code="UNAVAILABLE",method="GetTodos",service="grpc.Todos",le="0.001"} 0.0
                grpc_server_call_duration_seconds_bucket{code="UNAVAILABLE",method="GetTodos",service="grpc.Todos",le="5.0"} 40.0
                grpc_server_call_duration_seconds_bucket{code="UNAVAILABLE",method="GetTodos",service="grpc.Todos",le="+Inf"} 40.0
                """;
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/metrics", exchange -> {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/metrics");

            ServerMetrics scraped = MetricsScraper.between(List.of(uri), MetricsScraper.Snapshot.EMPTY,
                    new MetricsScraper().scrape(List.of(uri)));

            assertThat(scraped.callsByCode()).isEqualTo(Map.of("OK", 960L, "UNAVAILABLE", 40L));
            assertThat(scraped.p99Ms()).as("inside the OK calls' first bucket").isLessThanOrEqualTo(1.0);
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void parsesTheExpositionFormatWithEscapedLabels() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP grpc_server_handled_total gRPC calls completed, by status code
                # TYPE grpc_server_handled_total counter
                grpc_server_handled_total{code="OK",method="GetTodos",service="grpc.Todos"} 142.0
                grpc_server_call_duration_seconds_bucket{code="OK",le="+Inf",note="a \\"quoted\\", comma"} 7 1700000000
                grpc_server_calls_in_flight 0.0
                """);

        assertThat(samples).containsExactly(
                new PrometheusText.Sample("grpc_server_handled_total",
                        Map.of("code", "OK", "method", "GetTodos", "service", "grpc.Todos"), 142.0),
                new PrometheusText.Sample("grpc_server_call_duration_seconds_bucket",
                        Map.of("code", "OK", "le", "+Inf", "note", "a \"quoted\", comma"), 7.0),
                new PrometheusText.Sample("grpc_server_calls_in_flight", Map.of(), 0.0));
    }
}
