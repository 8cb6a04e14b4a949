package dev.todokube.loadtest.report;

import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Locust-style text tables: the request table, the percentile table and the error report. */
public final class Tables {

    private static final String ROW = "%-8s %-30s %9s %12s | %7s %7s %7s %7s | %8s %10s";
    private static final String PERCENTILE_ROW = "%-8s %-30s %9s %7s %7s %7s %7s %7s %7s %7s %7s";

    private Tables() {
    }

    /** Requests, failures, avg/min/max/median and rates per name, then the total. */
    public static List<String> requests(List<EntrySummary> entries, EntrySummary total) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, ROW, "Type", "Name", "# reqs", "# fails", "Avg", "Min", "Max", "Med",
                "req/s", "failures/s"));
        String separator = "-".repeat(lines.get(0).length());
        lines.add(separator);
        entries.forEach(entry -> lines.add(requestRow(entry)));
        lines.add(separator);
        lines.add(requestRow(total));
        return lines;
    }

    /** The response time percentiles per name, then the total. */
    public static List<String> percentiles(List<EntrySummary> entries, EntrySummary total) {
        List<String> lines = new ArrayList<>();
        lines.add("Response time percentiles (ms)");
        lines.add(String.format(Locale.ROOT, PERCENTILE_ROW, "Type", "Name", "# reqs", "50%", "66%", "75%", "90%",
                "95%", "99%", "99.9%", "100%"));
        String separator = "-".repeat(lines.get(1).length());
        lines.add(separator);
        entries.forEach(entry -> lines.add(percentileRow(entry)));
        lines.add(separator);
        lines.add(percentileRow(total));
        return lines;
    }

    /** One line per distinct error with its occurrences; empty when there was none. */
    public static List<String> errors(List<ErrorCount> errors) {
        List<String> lines = new ArrayList<>();
        if (errors.isEmpty()) {
            return lines;
        }
        lines.add("Error report");
        lines.add(String.format(Locale.ROOT, "%-14s %s", "# occurrences", "Error"));
        lines.add("-".repeat(60));
        errors.forEach(error -> lines.add(String.format(Locale.ROOT, "%-14d %s %s: %s",
                error.occurrences(), error.method(), error.name(), error.error())));
        return lines;
    }

    private static String requestRow(EntrySummary entry) {
        return String.format(Locale.ROOT, ROW, entry.method(), entry.name(), entry.requests(),
                String.format(Locale.ROOT, "%d(%.2f%%)", entry.failures(),
                        entry.requests() == 0 ? 0.0 : 100.0 * entry.failures() / entry.requests()),
                ms(entry.avgMs()), ms(entry.minMs()), ms(entry.maxMs()), ms(entry.p50Ms()),
                String.format(Locale.ROOT, "%.2f", entry.requestsPerSecond()),
                String.format(Locale.ROOT, "%.2f", entry.failuresPerSecond()));
    }

    private static String percentileRow(EntrySummary entry) {
        return String.format(Locale.ROOT, PERCENTILE_ROW, entry.method(), entry.name(), entry.requests(),
                ms(entry.p50Ms()), ms(entry.p66Ms()), ms(entry.p75Ms()), ms(entry.p90Ms()), ms(entry.p95Ms()),
                ms(entry.p99Ms()), ms(entry.p999Ms()), ms(entry.p100Ms()));
    }

    /** Milliseconds as Locust prints them: whole above 10 ms, one decimal below, so fast calls don't all read 0. */
    static String ms(double value) {
        return value >= 10 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
