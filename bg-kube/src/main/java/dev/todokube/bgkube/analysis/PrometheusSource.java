package dev.todokube.bgkube.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The service's own counters as a Prometheus server holds them, read over its HTTP API with the
 * PromQL equivalents of the metrics gates: calls by gRPC code from
 * {@code increase(grpc_server_handled_total[window])} and the p99 from
 * {@code histogram_quantile(0.99, ...)} over the OK calls' call-duration buckets, health checks and
 * reflection left out, as {@link MetricsScraper} does with the endpoints themselves.
 *
 * <p>A side is chosen by a label selector on its scrape targets' labels, e.g.
 * {@code job="todo-api",color="green"}. Counts come from {@code increase()}, which Prometheus
 * extrapolates to the window's edges, so they are rounded and approximate.
 */
public final class PrometheusSource {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final String NOT_HEALTH_OR_REFLECTION = "service!~\"grpc[.](health|reflection)[.].*\"";

    private final URI server;
    private final Duration ingestWait;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param server the Prometheus server's base URL, e.g. {@code http://prometheus:9090}
     * @param ingestWait how long to wait, after a window ends, for a scrape that covers it
     */
    public PrometheusSource(URI server, Duration ingestWait, Clock clock) {
        this.server = Objects.requireNonNull(server);
        this.ingestWait = Objects.requireNonNull(ingestWait);
        this.clock = Objects.requireNonNull(clock);
    }

    public URI server() {
        return server;
    }

    /**
     * Fails unless Prometheus answers and scrapes at least one target the selector matches, and
     * every such target is up: checked before any load, so a wrong selector costs no run.
     *
     * @throws ConfigurationException Prometheus rejected the selector (exit code 2)
     * @throws ClusterException Prometheus cannot be reached, or scrapes no healthy matching target (exit code 3)
     */
    public void checkTargets(String selector) throws InterruptedException {
        List<JsonNode> up = query("up" + braces(selector), clock.instant());
        if (up.isEmpty()) {
            throw new ClusterException("Prometheus " + server + " scrapes no target matching " + braces(selector));
        }
        for (JsonNode target : up) {
            if (value(target) != 1) {
                throw new ClusterException("Prometheus " + server + " cannot scrape " + target.path("metric")
                        + " (up is " + Numbers.plain(value(target)) + ")");
            }
        }
    }

    /**
     * What the matching targets counted between {@code from} and {@code to}, once Prometheus has
     * scraped every one of them at or after {@code to}.
     */
    public ServerMetrics window(String selector, Instant from, Instant to) throws InterruptedException {
        awaitScrapedAfter(selector, to);
        long seconds = Math.max(1, Duration.between(from, to).plusMillis(999).toSeconds());
        String labels = matchers(selector);
        String filter = filter(labels, NOT_HEALTH_OR_REFLECTION);
        Map<String, Long> calls = new TreeMap<>();
        for (JsonNode sample : query("sum by (code) (increase(" + MetricsScraper.HANDLED + filter
                + "[" + seconds + "s]))", to)) {
            long count = Math.round(value(sample));
            if (count > 0) {
                calls.put(sample.path("metric").path("code").asText("UNKNOWN"), count);
            }
        }
        String okFilter = filter(labels, "code=\"" + MetricsScraper.OK + "\"", NOT_HEALTH_OR_REFLECTION);
        List<JsonNode> p99 = query("histogram_quantile(0.99, sum by (le) (increase(" + MetricsScraper.BUCKET + okFilter
                + "[" + seconds + "s])))", to);
        double p99Ms = p99.isEmpty() ? Double.NaN : value(p99.get(0)) * 1000;
        return new ServerMetrics(ServerMetrics.PROMETHEUS, List.of(server), calls, p99Ms);
    }

    private void awaitScrapedAfter(String selector, Instant end) throws InterruptedException {
        Instant giveUp = clock.instant().plus(ingestWait);
        String oldestLastScrape = "min(timestamp(up" + braces(selector) + "))";
        while (true) {
            List<JsonNode> result = query(oldestLastScrape, clock.instant());
            // Seconds since the epoch; NaN (never at or after the end) while no target was scraped.
            double scrapedAt = result.isEmpty() ? Double.NaN : value(result.get(0));
            if (scrapedAt * 1000 >= end.toEpochMilli()) {
                return;
            }
            if (clock.instant().isAfter(giveUp)) {
                throw new ClusterException("Prometheus " + server + " has not scraped every target matching "
                        + braces(selector) + " since the window ended, within " + ingestWait.toSeconds() + "s");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** An instant query's vector. */
    private List<JsonNode> query(String promql, Instant at) throws InterruptedException {
        URI uri = server.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + at.toEpochMilli() / 1000.0);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ClusterException("Prometheus " + server + " unreachable: " + e, e);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--prometheus " + server + ": " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            throw new ClusterException("Prometheus " + server + " answered HTTP " + response.statusCode()
                    + " with something other than its API's JSON", e);
        }
        if (!"success".equals(body.path("status").asText())) {
            String error = body.path("error").asText("HTTP " + response.statusCode());
            if ("bad_data".equals(body.path("errorType").asText())) {
                throw new ConfigurationException("Prometheus rejected the query " + promql + ": " + error);
            }
            throw new ClusterException("Prometheus " + server + " failed the query " + promql + ": " + error);
        }
        List<JsonNode> vector = new ArrayList<>();
        body.path("data").path("result").forEach(vector::add);
        return vector;
    }

    /** A sample's value: Prometheus writes it as a string, which may be NaN or +Inf. */
    private static double value(JsonNode sample) {
        String text = sample.path("value").path(1).asText("NaN");
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The label matchers of a selector written with or without its braces, e.g. {@code job="todo-api"}. */
    public static String matchers(String selector) {
        String trimmed = selector.strip();
        return trimmed.startsWith("{") && trimmed.endsWith("}") ? trimmed.substring(1, trimmed.length() - 1).strip() : trimmed;
    }

    /** The selector's matchers and more, as one label filter in braces. */
    private static String filter(String labels, String... more) {
        return Stream.concat(Stream.of(labels).filter(l -> !l.isEmpty()), Stream.of(more))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String braces(String selector) {
        return "{" + matchers(selector) + "}";
    }
}
