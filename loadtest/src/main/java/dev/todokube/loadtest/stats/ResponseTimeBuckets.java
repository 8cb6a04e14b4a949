package dev.todokube.loadtest.stats;

/**
 * Locust's response-time buckets: the key under which Locust counts a response time in
 * {@code StatsEntry.response_times}. Exact (to the millisecond) below 100 ms, then two significant
 * digits: 147 -> 150, 3432 -> 3400, 58760 -> 59000. Python's {@code round()} rounds halves to even,
 * so 145 -> 140 and 155 -> 160; this class does the same so a Locust master computes the same
 * percentiles from our buckets as from a Python worker's.
 */
public final class ResponseTimeBuckets {

    private ResponseTimeBuckets() {
    }

    /** The bucket key, in whole milliseconds, of a response time in milliseconds. */
    public static long bucketOf(double responseTimeMs) {
        if (responseTimeMs < 100) {
            return (long) Math.rint(responseTimeMs);
        }
        double unit;
        if (responseTimeMs < 1_000) {
            unit = 10;
        } else if (responseTimeMs < 10_000) {
            unit = 100;
        } else {
            unit = 1_000;
        }
        return (long) (Math.rint(responseTimeMs / unit) * unit);
    }
}
