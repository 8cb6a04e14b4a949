package dev.todokube.loadtest.stats;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The recording side of one request name: called from many threads, so every method is
 * synchronized (a call takes well under a microsecond here; contention is not the bottleneck of
 * a gRPC load generator). {@link #drain} hands over what was recorded and starts afresh, as
 * Locust's {@code get_stripped_report}.
 */
final class StatsEntry {

    /** Highest response time the histogram tracks: one hour, in microseconds. */
    static final long MAX_TRACKED_MICROS = 3_600_000_000L;

    private final String name;
    private final String method;
    private final Histogram histogram = new Histogram(MAX_TRACKED_MICROS, 3);
    private final Map<Long, long[]> responseTimes = new HashMap<>();
    private final Map<Long, long[]> reqsPerSec = new HashMap<>();
    private final Map<Long, long[]> failsPerSec = new HashMap<>();
    private double startTime;
    private double lastRequestTimestamp;
    private long numRequests;
    private long numFailures;
    private double totalResponseTime;
    private double minResponseTime;
    private double maxResponseTime;
    private long totalContentLength;

    StatsEntry(String name, String method, double nowEpochSeconds) {
        this.name = name;
        this.method = method;
        this.startTime = nowEpochSeconds;
    }

    synchronized void record(double nowEpochSeconds, long responseTimeNanos, long contentLength, boolean failed) {
        double ms = responseTimeNanos / 1_000_000.0;
        long second = (long) Math.floor(nowEpochSeconds);
        if (numRequests == 0 || ms < minResponseTime) {
            minResponseTime = ms;
        }
        numRequests++;
        lastRequestTimestamp = nowEpochSeconds;
        totalResponseTime += ms;
        maxResponseTime = Math.max(maxResponseTime, ms);
        totalContentLength += contentLength;
        increment(responseTimes, ResponseTimeBuckets.bucketOf(ms));
        increment(reqsPerSec, second);
        if (failed) {
            numFailures++;
            increment(failsPerSec, second);
        }
        histogram.recordValue(Math.min(MAX_TRACKED_MICROS, Math.max(0, responseTimeNanos / 1_000)));
    }

    synchronized EntrySnapshot drain(double nowEpochSeconds) {
        EntrySnapshot snapshot = new EntrySnapshot(name, method, startTime,
                numRequests == 0 ? null : lastRequestTimestamp,
                numRequests, numFailures, totalResponseTime,
                numRequests == 0 ? null : minResponseTime, maxResponseTime, totalContentLength,
                toSorted(responseTimes), toSorted(reqsPerSec), toSorted(failsPerSec), histogram.copy());
        histogram.reset();
        responseTimes.clear();
        reqsPerSec.clear();
        failsPerSec.clear();
        startTime = nowEpochSeconds;
        numRequests = 0;
        numFailures = 0;
        totalResponseTime = 0;
        minResponseTime = 0;
        maxResponseTime = 0;
        totalContentLength = 0;
        return snapshot;
    }

    private static void increment(Map<Long, long[]> counts, long key) {
        counts.computeIfAbsent(key, k -> new long[1])[0]++;
    }

    private static TreeMap<Long, Long> toSorted(Map<Long, long[]> counts) {
        TreeMap<Long, Long> sorted = new TreeMap<>();
        counts.forEach((key, count) -> sorted.put(key, count[0]));
        return sorted;
    }
}
