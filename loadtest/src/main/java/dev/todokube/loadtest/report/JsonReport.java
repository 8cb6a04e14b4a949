package dev.todokube.loadtest.report;

import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code --json} summary: {@code {"total":{...},"entries":[{...}],"errors":[{...}]}} with, per
 * row, requests, failures, avg/min/max and percentiles in ms (keys {@code p50_ms}...), req/s and
 * failures/s; plus the run's host, users and duration.
 */
public final class JsonReport {

    private JsonReport() {
    }

    public static void write(RunResult result, Path file) throws IOException {
        ReportFiles.writeAtomically(file, render(result));
    }

    static String render(RunResult result) {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"host\": ").append(string(result.plan().target().toString()))
                .append(",\n  \"users\": ").append(result.plan().users())
                .append(",\n  \"run_time_s\": ").append(number(result.elapsed().toMillis() / 1000.0))
                .append(",\n  \"total\": ").append(entry(result.total()))
                .append(",\n  \"entries\": [");
        for (int i = 0; i < result.entries().size(); i++) {
            json.append(i == 0 ? "\n    " : ",\n    ").append(entry(result.entries().get(i)));
        }
        json.append(result.entries().isEmpty() ? "]" : "\n  ]").append(",\n  \"errors\": [");
        for (int i = 0; i < result.errors().size(); i++) {
            ErrorCount error = result.errors().get(i);
            json.append(i == 0 ? "\n    " : ",\n    ")
                    .append("{\"name\": ").append(string(error.name()))
                    .append(", \"method\": ").append(string(error.method()))
                    .append(", \"error\": ").append(string(error.error()))
                    .append(", \"occurrences\": ").append(error.occurrences()).append('}');
        }
        json.append(result.errors().isEmpty() ? "]" : "\n  ]").append("\n}\n");
        return json.toString();
    }

    private static String entry(EntrySummary entry) {
        return "{\"name\": " + string(entry.name())
                + ", \"requests\": " + entry.requests()
                + ", \"failures\": " + entry.failures()
                + ", \"avg_ms\": " + number(entry.avgMs())
                + ", \"min_ms\": " + number(entry.minMs())
                + ", \"max_ms\": " + number(entry.maxMs())
                + ", \"p50_ms\": " + number(entry.p50Ms())
                + ", \"p90_ms\": " + number(entry.p90Ms())
                + ", \"p95_ms\": " + number(entry.p95Ms())
                + ", \"p99_ms\": " + number(entry.p99Ms())
                + ", \"requests_per_s\": " + number(entry.requestsPerSecond())
                + ", \"failures_per_s\": " + number(entry.failuresPerSecond()) + "}";
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String string(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
