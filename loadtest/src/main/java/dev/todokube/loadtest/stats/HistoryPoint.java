package dev.todokube.loadtest.stats;

/**
 * The state of a run over one reporting interval, for charts and the history CSV: when it ended
 * (epoch seconds), the users running, requests and failures per second, and the median and 95th
 * percentile response time of the calls that ended in it (ms; 0 when none did).
 */
public record HistoryPoint(long epochSecond, int users, double requestsPerSecond, double failuresPerSecond,
                           double p50Ms, double p95Ms, EntrySummary totalSoFar) {

    /** The point of an interval of {@code seconds} that ended at {@code epochSecond}. */
    public static HistoryPoint of(long epochSecond, int users, double seconds, StatsInterval interval,
                                  EntrySummary totalSoFar) {
        EntrySnapshot total = interval.total();
        double p50 = total.histogram().getTotalCount() == 0 ? 0 : total.histogram().getValueAtPercentile(50) / 1000.0;
        double p95 = total.histogram().getTotalCount() == 0 ? 0 : total.histogram().getValueAtPercentile(95) / 1000.0;
        return new HistoryPoint(epochSecond, users,
                seconds > 0 ? total.numRequests() / seconds : 0,
                seconds > 0 ? total.numFailures() / seconds : 0,
                p50, p95, totalSoFar);
    }
}
