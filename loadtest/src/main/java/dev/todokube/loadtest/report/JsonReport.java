package dev.todokube.loadtest.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code --json} summary: {@code {"total":{...},"ok":{...},"entries":[{...}],"errors":[{...}]}}
 * with, per row, requests, failures, avg/min/max and percentiles in ms (keys {@code p50_ms}...),
 * req/s and failures/s; {@code ok} is the successful calls alone (their latency and rate, which
 * failed calls, often answered at once, would flatter); plus the run's host, users and duration.
 */
public final class JsonReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonReport() {
    }

    public static void write(RunResult result, Path file) throws IOException {
        ReportFiles.writeAtomically(file, render(result));
    }

    static String render(RunResult result) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode()
                .put("host", result.plan().target().toString())
                .put("users", result.plan().users())
                .put("run_time_s", rounded(result.elapsed().toMillis() / 1000.0));
        entry(root.putObject("total"), result.total());
        entry(root.putObject("ok"), result.ok());
        ArrayNode entries = root.putArray("entries");
        result.entries().forEach(entry -> entry(entries.addObject(), entry));
        ArrayNode errors = root.putArray("errors");
        for (ErrorCount error : result.errors()) {
            errors.addObject().put("name", error.name()).put("method", error.method()).put("error", error.error())
                    .put("occurrences", error.occurrences());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static void entry(ObjectNode node, EntrySummary entry) {
        node.put("name", entry.name())
                .put("requests", entry.requests())
                .put("failures", entry.failures())
                .put("avg_ms", rounded(entry.avgMs()))
                .put("min_ms", rounded(entry.minMs()))
                .put("max_ms", rounded(entry.maxMs()))
                .put("p50_ms", rounded(entry.p50Ms()))
                .put("p90_ms", rounded(entry.p90Ms()))
                .put("p95_ms", rounded(entry.p95Ms()))
                .put("p99_ms", rounded(entry.p99Ms()))
                .put("requests_per_s", rounded(entry.requestsPerSecond()))
                .put("failures_per_s", rounded(entry.failuresPerSecond()));
    }

    /** Three decimals: microseconds for times, more than a rate's noise. */
    private static double rounded(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
