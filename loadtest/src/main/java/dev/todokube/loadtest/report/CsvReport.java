package dev.todokube.loadtest.report;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.HistoryPoint;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes Locust's CSV files with Locust's column names: {@code PREFIX_stats.csv},
 * {@code PREFIX_stats_history.csv}, {@code PREFIX_failures.csv} and {@code PREFIX_exceptions.csv}
 * (always empty: Java users raise no Python exceptions), so tools that read Locust's CSV read these.
 */
public final class CsvReport {

    static final List<String> PERCENTILE_COLUMNS =
            List.of("50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%");

    private CsvReport() {
    }

    /** The files written for a prefix, in the order above. */
    public static List<Path> files(String prefix) {
        return List.of(Path.of(prefix + "_stats.csv"), Path.of(prefix + "_stats_history.csv"),
                Path.of(prefix + "_failures.csv"), Path.of(prefix + "_exceptions.csv"));
    }

    public static void write(RunResult result, String prefix) throws IOException {
        List<Path> files = files(prefix);
        List<List<String>> stats = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("Type", "Name", "Request Count", "Failure Count",
                "Median Response Time", "Average Response Time", "Min Response Time", "Max Response Time",
                "Average Content Size", "Requests/s", "Failures/s"));
        header.addAll(PERCENTILE_COLUMNS);
        stats.add(header);
        result.entries().forEach(entry -> stats.add(statsRow(entry)));
        stats.add(statsRow(result.total()));
        Files.write(files.get(0), stats);

        List<List<String>> history = new ArrayList<>();
        List<String> historyHeader = new ArrayList<>(List.of("Timestamp", "User Count", "Type", "Name",
                "Requests/s", "Failures/s"));
        historyHeader.addAll(PERCENTILE_COLUMNS);
        historyHeader.addAll(List.of("Total Request Count", "Total Failure Count", "Total Median Response Time",
                "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
                "Total Average Content Size"));
        history.add(historyHeader);
        for (HistoryPoint point : result.history()) {
            EntrySummary total = point.totalSoFar();
            List<String> row = new ArrayList<>(List.of(Long.toString(point.epochSecond()),
                    Integer.toString(point.users()), "", total.name(),
                    decimal(point.requestsPerSecond()), decimal(point.failuresPerSecond())));
            row.addAll(percentiles(total));
            row.addAll(List.of(Long.toString(total.requests()), Long.toString(total.failures()),
                    whole(total.p50Ms()), decimal(total.avgMs()), decimal(total.minMs()), decimal(total.maxMs()),
                    decimal(total.avgContentLength())));
            history.add(row);
        }
        Files.write(files.get(1), history);

        List<List<String>> failures = new ArrayList<>();
        failures.add(List.of("Method", "Name", "Error", "Occurrences"));
        for (ErrorCount error : result.errors()) {
            failures.add(List.of(error.method(), error.name(), error.error(), Long.toString(error.occurrences())));
        }
        Files.write(files.get(2), failures);
        Files.write(files.get(3), List.of(List.of("Count", "Message", "Traceback", "Nodes")));
    }

    private static List<String> statsRow(EntrySummary entry) {
        List<String> row = new ArrayList<>(List.of(entry.method(), entry.name(), Long.toString(entry.requests()),
                Long.toString(entry.failures()), whole(entry.p50Ms()), decimal(entry.avgMs()), decimal(entry.minMs()),
                decimal(entry.maxMs()), decimal(entry.avgContentLength()), decimal(entry.requestsPerSecond()),
                decimal(entry.failuresPerSecond())));
        row.addAll(percentiles(entry));
        return row;
    }

    private static List<String> percentiles(EntrySummary entry) {
        if (entry.requests() == 0) {
            return PERCENTILE_COLUMNS.stream().map(column -> "N/A").toList();
        }
        return List.of(whole(entry.p50Ms()), whole(entry.p66Ms()), whole(entry.p75Ms()), whole(entry.p80Ms()),
                whole(entry.p90Ms()), whole(entry.p95Ms()), whole(entry.p98Ms()), whole(entry.p99Ms()),
                whole(entry.p999Ms()), whole(entry.p9999Ms()), whole(entry.p100Ms()));
    }

    /** Percentiles as whole milliseconds, as Locust writes them (it truncates). */
    private static String whole(double ms) {
        return Long.toString((long) ms);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    /** Rows quoted only where needed (RFC 4180, as Python's csv module writes them), all or nothing. */
    private static final class Files {
        private static final CsvMapper CSV = CsvMapper.builder()
                .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
                .build();

        static void write(Path file, List<List<String>> rows) throws IOException {
            StringWriter text = new StringWriter();
            try (SequenceWriter writer = CSV.writer(CsvSchema.emptySchema().withLineSeparator("\r\n"))
                    .writeValues(text)) {
                for (List<String> row : rows) {
                    writer.write(row);
                }
            }
            ReportFiles.writeAtomically(file, text.toString());
        }
    }
}
