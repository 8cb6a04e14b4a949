package dev.todokube.loadtest.stats;

/**
 * The state of a run over one reporting interval, for charts and the history CSV: when it ended
 * (epoch seconds), the users running, requests and failures per second, and the median, 95th and
 * 99th percentile response time of the calls that ended in it (ms; 0 when none did).
 */
public record HistoryPoint(long epochSecond, int users, double requestsPerSecond, double failuresPerSecond,
                           double p50Ms, double p95Ms, double p99Ms, EntrySummary totalSoFar) {

    /** The point of an interval of {@code seconds} that ended at {@code epochSecond}. */
    public static HistoryPoint of(long epochSecond, int users, double seconds, StatsInterval interval,
                                  EntrySummary totalSoFar) {
        EntrySnapshot total = interval.total();
        return new HistoryPoint(epochSecond, users,
                seconds > 0 ? total.numRequests() / seconds : 0,
                seconds > 0 ? total.numFailures() / seconds : 0,
                percentileMs(total, 50), percentileMs(total, 95), percentileMs(total, 99), totalSoFar);
    }

    /** This point with the run's total replaced, e.g. by one that also counts the calls of a last sliver of time. */
    public HistoryPoint withTotalSoFar(EntrySummary total) {
        return new HistoryPoint(epochSecond, users, requestsPerSecond, failuresPerSecond, p50Ms, p95Ms, p99Ms, total);
    }

    private static double percentileMs(EntrySnapshot total, double percentile) {
        return total.histogram().getTotalCount() == 0 ? 0 : total.histogram().getValueAtPercentile(percentile) / 1000.0;
    }
}
