package dev.todokube.loadtest.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The totals of a whole run, built by adding up drained intervals (as a Locust master extends its
 * entries with each worker report). Not thread-safe: one reporter thread owns it.
 */
public final class StatsAggregate {

    private final Map<String, Accumulated> entries = new TreeMap<>();
    private final Accumulated total = new Accumulated("", RequestStats.TOTAL_NAME);
    private final Accumulated ok = new Accumulated("", RequestStats.OK_NAME);
    private final Map<List<String>, Long> errors = new LinkedHashMap<>();

    /** Adds one interval to the totals. */
    public void add(StatsInterval interval) {
        for (EntrySnapshot snapshot : interval.entries()) {
            entries.computeIfAbsent(snapshot.name(), n -> new Accumulated(snapshot.method(), n)).add(snapshot);
        }
        total.add(interval.total());
        ok.add(interval.ok());
        for (ErrorCount error : interval.errors()) {
            errors.merge(List.of(error.method(), error.name(), error.error()), error.occurrences(), Long::sum);
        }
    }

    /**
     * One row per request name, sorted by name. Rates are per second of the whole run (first
     * interval start to last request), as Locust divides every entry by the run's span.
     */
    public List<EntrySummary> entries() {
        List<EntrySummary> rows = new ArrayList<>();
        entries.values().forEach(entry -> rows.add(entry.summary(total.span())));
        return rows;
    }

    /** The row of all requests. */
    public EntrySummary total() {
        return total.summary(total.span());
    }

    /** The row of the successful calls alone, its rates per second of the whole run as the others'. */
    public EntrySummary ok() {
        return ok.summary(total.span());
    }

    /** Every distinct (name, error) with its occurrences, sorted by name then error. */
    public List<ErrorCount> errors() {
        List<ErrorCount> rows = new ArrayList<>();
        errors.forEach((key, occurrences) -> rows.add(new ErrorCount(key.get(0), key.get(1), key.get(2), occurrences)));
        rows.sort(java.util.Comparator.comparing(ErrorCount::name).thenComparing(ErrorCount::error));
        return rows;
    }

    private static final class Accumulated {
        private final String method;
        private final String name;
        private final Histogram histogram = new Histogram(StatsEntry.MAX_TRACKED_MICROS, 3);
        private double startTime = Double.NaN;
        private double lastRequestTimestamp = Double.NaN;
        private long requests;
        private long failures;
        private double totalResponseTime;
        private double min = Double.NaN;
        private double max;
        private long contentLength;

        Accumulated(String method, String name) {
            this.method = method;
            this.name = name;
        }

        void add(EntrySnapshot snapshot) {
            if (Double.isNaN(startTime) || snapshot.startTime() < startTime) {
                startTime = snapshot.startTime();
            }
            if (snapshot.lastRequestTimestamp() != null
                    && (Double.isNaN(lastRequestTimestamp) || snapshot.lastRequestTimestamp() > lastRequestTimestamp)) {
                lastRequestTimestamp = snapshot.lastRequestTimestamp();
            }
            if (snapshot.minResponseTime() != null && (Double.isNaN(min) || snapshot.minResponseTime() < min)) {
                min = snapshot.minResponseTime();
            }
            requests += snapshot.numRequests();
            failures += snapshot.numFailures();
            totalResponseTime += snapshot.totalResponseTime();
            max = Math.max(max, snapshot.maxResponseTime());
            contentLength += snapshot.totalContentLength();
            histogram.add(snapshot.histogram());
        }

        double span() {
            return Double.isNaN(lastRequestTimestamp) ? 0 : lastRequestTimestamp - startTime;
        }

        EntrySummary summary(double seconds) {
            return new EntrySummary(method, name, requests, failures,
                    requests == 0 ? 0 : totalResponseTime / requests,
                    Double.isNaN(min) ? 0 : min, max,
                    percentile(50), percentile(66), percentile(75), percentile(80), percentile(90),
                    percentile(95), percentile(98), percentile(99), percentile(99.9), percentile(99.99),
                    requests == 0 ? 0 : histogram.getMaxValue() / 1000.0,
                    requests == 0 ? 0 : (double) contentLength / requests,
                    seconds > 0 ? requests / seconds : 0,
                    seconds > 0 ? failures / seconds : 0);
        }

        private double percentile(double percent) {
            return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percent) / 1000.0;
        }
    }
}
