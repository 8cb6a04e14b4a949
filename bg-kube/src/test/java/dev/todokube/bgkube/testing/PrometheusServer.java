package dev.todokube.bgkube.testing;

import dev.todokube.testkit.process.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A real Prometheus server (Debian's {@code prometheus}) for tests: on 127.0.0.1, a port it picks
 * itself (read back from its "Listening on" line), scraping every given {@code /metrics} address
 * every 2 s (a window of a few seconds holds the two samples {@code increase()} needs; a busy
 * machine's stall does not time a scrape out) as job {@code todo-api} with the label {@code replica} set to the address's name.
 * Ready once it has scraped every target successfully. {@link #close()} stops it.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final Pattern LISTENING = Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    private final ChildProcess process;
    private final URI url;

    private PrometheusServer(ChildProcess process, URI url) {
        this.process = process;
        this.url = url;
    }

    /**
     * @param targets a replica name to the {@code HOST:PORT} of its metrics endpoint
     * @param dir where the configuration, the database and the log go
     */
    public static PrometheusServer start(Map<String, String> targets, Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package "
                    + "(./run-tests does)");
        }
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 2s
                  scrape_timeout: 2s
                scrape_configs:
                  - job_name: todo-api
                    static_configs:
                """);
        new TreeMap<>(targets).forEach((name, address) -> config.append("      - targets: ['").append(address)
                .append("']\n        labels: {replica: '").append(name).append("'}\n"));
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        ChildProcess process = ChildProcess.start("prometheus", List.of(BINARY.toString(),
                "--config.file=" + configFile, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:0", "--log.level=info"), Map.of(), dir, dir.resolve("prometheus.log"), null);
        try {
            int port = Integer.parseInt(process.awaitLine(LISTENING, START_LIMIT).group(1));
            PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port));
            server.awaitEveryTargetUp(targets.size());
            return server;
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /** Its base URL, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() {
        return url;
    }

    private void awaitEveryTargetUp(int targets) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String query = URLEncoder.encode("count(up{job=\"todo-api\"} == 1)", StandardCharsets.UTF_8);
        String expected = "\"" + targets + "\"]";
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(HttpRequest.newBuilder(url.resolve("/api/v1/query?query=" + query)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains(expected)) {
                    return;
                }
            } catch (IOException e) {
                body = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Prometheus did not scrape all " + targets + " targets within " + START_LIMIT
                + " (last answer: " + body + "); its log:\n" + process.tail());
    }

    @Override
    public void close() {
        process.close();
    }
}
