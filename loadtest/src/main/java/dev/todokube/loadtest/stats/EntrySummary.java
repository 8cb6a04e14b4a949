package dev.todokube.loadtest.stats;

/**
 * One row of a report: totals of one request name (or of all, named
 * {@link RequestStats#TOTAL_NAME}) since the start of the run. Times in milliseconds; the
 * percentiles come from an HdrHistogram at microsecond precision (Locust's two significant digits
 * are only used on the wire to a master).
 */
public record EntrySummary(
        String method,
        String name,
        long requests,
        long failures,
        double avgMs,
        double minMs,
        double maxMs,
        double p50Ms,
        double p66Ms,
        double p75Ms,
        double p80Ms,
        double p90Ms,
        double p95Ms,
        double p98Ms,
        double p99Ms,
        double p999Ms,
        double p9999Ms,
        double p100Ms,
        double avgContentLength,
        double requestsPerSecond,
        double failuresPerSecond) {
}
