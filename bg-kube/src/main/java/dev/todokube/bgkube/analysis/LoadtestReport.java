package dev.todokube.bgkube.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what {@code loadtest run} wrote: the {@code --json} totals, the OK calls' own row (their
 * latency and rate, which the verdict uses) and the errors, and the Locust-style
 * {@code _stats_history.csv}, one row per second. That file's percentiles are cumulative, so the
 * charts use the mean latency of each second instead, which the cumulative count and mean give exactly.
 */
final class LoadtestReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadtestReport() {
    }

    /** A side's result with history samples at epoch seconds (the analyzer puts both sides on one axis). */
    static SideResult read(String side, List<String> addresses, Path json, Path history) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(json, StandardCharsets.UTF_8));
        JsonNode total = root.path("total");
        JsonNode ok = root.path("ok");
        if (!ok.isObject()) {
            throw new IOException(json + " has no \"ok\" row (the OK calls' latency): the load generator is older than "
                    + "this bg-kube; use the loadtest.jar built with it");
        }
        Map<String, Long> errors = new LinkedHashMap<>();
        for (JsonNode error : root.path("errors")) {
            errors.merge(error.path("error").asText(), error.path("occurrences").asLong(), Long::sum);
        }
        boolean anyOk = ok.path("requests").asLong() > 0;
        return new SideResult(side, addresses, total.path("requests").asLong(), total.path("failures").asLong(),
                anyOk ? ok.path("p50_ms").asDouble() : Double.NaN, anyOk ? ok.path("p95_ms").asDouble() : Double.NaN,
                anyOk ? ok.path("p99_ms").asDouble() : Double.NaN,
                ok.path("requests_per_s").asDouble(), root.path("run_time_s").asDouble(), errors,
                history(Files.readAllLines(history, StandardCharsets.UTF_8)), List.of());
    }

    static List<HistorySample> history(List<String> lines) {
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> header = List.of(lines.get(0).split(","));
        int timestamp = column(header, "Timestamp");
        int users = column(header, "User Count");
        int rps = column(header, "Requests/s");
        int fps = column(header, "Failures/s");
        int count = column(header, "Total Request Count");
        int average = column(header, "Total Average Response Time");
        List<HistorySample> samples = new ArrayList<>();
        long previousCount = 0;
        double previousSum = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            long calls = Long.parseLong(cells[count]);
            double sum = Double.parseDouble(cells[average]) * calls;
            double mean = calls > previousCount ? (sum - previousSum) / (calls - previousCount) : Double.NaN;
            samples.add(new HistorySample(Long.parseLong(cells[timestamp]), Integer.parseInt(cells[users]),
                    Double.parseDouble(cells[rps]), Double.parseDouble(cells[fps]), mean));
            previousCount = calls;
            previousSum = sum;
        }
        return samples;
    }

    private static int column(List<String> header, String name) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalStateException("loadtest's history CSV has no column '" + name + "'");
        }
        return index;
    }
}
