package dev.todokube.experiment.report;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The load as the generator recorded it, in Locust's CSV format (the Java generator's {@code --csv}
 * files, or a Locust master's): the history's aggregated row per second, and the run's totals.
 */
public record LoadHistory(List<Point> points, Totals totals) {

    /** One second of load; a percentile is empty when the second had no answer (Locust's N/A). */
    public record Point(Instant at, int users, double requestsPerSecond, double failuresPerSecond,
                        OptionalDouble p50Ms, OptionalDouble p95Ms, OptionalDouble p99Ms) {
    }

    /** The whole run, from the stats file's Aggregated row. */
    public record Totals(long requests, long failures, double averageMs, double requestsPerSecond) {
    }

    private static final CsvMapper CSV = new CsvMapper();

    public LoadHistory {
        points = List.copyOf(points);
    }

    /**
     * Reads {@code PREFIX_stats_history.csv} and {@code PREFIX_stats.csv}; empty when the generator
     * wrote no stats file (it was killed, or never started).
     */
    public static Optional<LoadHistory> read(Path prefix) throws IOException {
        Path stats = Path.of(prefix + "_stats.csv");
        Path history = Path.of(prefix + "_stats_history.csv");
        if (!Files.isRegularFile(stats)) {
            return Optional.empty();
        }
        Optional<Map<String, String>> total = rows(stats).stream()
                .filter(row -> "Aggregated".equals(row.get("Name"))).findFirst();
        if (total.isEmpty()) {
            return Optional.empty();
        }
        Totals totals = new Totals(whole(total.get(), "Request Count"), whole(total.get(), "Failure Count"),
                number(total.get(), "Average Response Time").orElse(0), number(total.get(), "Requests/s").orElse(0));
        List<Point> points = new ArrayList<>();
        if (Files.isRegularFile(history)) {
            for (Map<String, String> row : rows(history)) {
                if ("Aggregated".equals(row.get("Name"))) {
                    points.add(new Point(Instant.ofEpochSecond(whole(row, "Timestamp")), (int) whole(row, "User Count"),
                            number(row, "Requests/s").orElse(0), number(row, "Failures/s").orElse(0),
                            number(row, "50%"), number(row, "95%"), number(row, "99%")));
                }
            }
        }
        return Optional.of(new LoadHistory(points, totals));
    }

    private static List<Map<String, String>> rows(Path file) throws IOException {
        try (MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return rows.readAll();
        }
    }

    private static long whole(Map<String, String> row, String column) {
        return (long) number(row, column).orElse(0);
    }

    private static OptionalDouble number(Map<String, String> row, String column) {
        String text = row.get(column);
        if (text == null || text.isBlank() || text.equals("N/A")) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
