package dev.todokube.loadtest.stats;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one stats entry recorded during one interval, in Locust's units: times in milliseconds
 * (fractional), timestamps in epoch seconds. The field names follow Locust's {@code StatsEntry}
 * so the worker protocol can send it as is. {@code histogram} holds the same response times in
 * microseconds at full precision for this tool's own percentiles.
 *
 * @param minResponseTime null when no request was recorded, as Locust's None
 * @param lastRequestTimestamp null when no request was recorded
 */
public record EntrySnapshot(
        String name,
        String method,
        double startTime,
        Double lastRequestTimestamp,
        long numRequests,
        long numFailures,
        double totalResponseTime,
        Double minResponseTime,
        double maxResponseTime,
        long totalContentLength,
        SortedMap<Long, Long> responseTimes,
        SortedMap<Long, Long> numReqsPerSec,
        SortedMap<Long, Long> numFailPerSec,
        Histogram histogram) {

    public EntrySnapshot {
        responseTimes = unmodifiableCopy(responseTimes);
        numReqsPerSec = unmodifiableCopy(numReqsPerSec);
        numFailPerSec = unmodifiableCopy(numFailPerSec);
    }

    private static SortedMap<Long, Long> unmodifiableCopy(Map<Long, Long> map) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
