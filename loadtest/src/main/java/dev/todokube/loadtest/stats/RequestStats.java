package dev.todokube.loadtest.stats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where simulated users record their calls. Thread-safe. A reader (the standalone reporter every
 * second, the Locust worker every three seconds) takes what was recorded with {@link #drain()},
 * which resets the counts, as a Locust worker resets its entries after each report.
 *
 * <p>Recording and draining hold this object's lock, so a failure is never split between two
 * intervals (its request in one, its error in the next): at the warm-up's end that made the
 * measured errors outnumber the measured calls. Every call already serialises on the total row's
 * lock, so this adds no new point of contention.
 */
public final class RequestStats {

    /** The name of the total row, as Locust names it. */
    public static final String TOTAL_NAME = "Aggregated";
    /** The name of the row of successful calls alone. */
    public static final String OK_NAME = "OK";
    /** The request type shown in Locust's "Type" column for every call. */
    public static final String METHOD = "grpc";

    private final Clock clock;
    private final Map<String, StatsEntry> entries = new ConcurrentHashMap<>();
    private final StatsEntry total;
    private final StatsEntry ok;
    private final Map<ErrorKey, AtomicLong> errors = new ConcurrentHashMap<>();

    private record ErrorKey(String name, String error) {
    }

    public RequestStats(Clock clock) {
        this.clock = clock;
        this.total = new StatsEntry(TOTAL_NAME, "", now());
        this.ok = new StatsEntry(OK_NAME, "", now());
    }

    /** Records a successful call. */
    public synchronized void success(String name, long responseTimeNanos, long contentLength) {
        double now = now();
        entry(name, now).record(now, responseTimeNanos, contentLength, false);
        total.record(now, responseTimeNanos, contentLength, false);
        ok.record(now, responseTimeNanos, contentLength, false);
    }

    /** Records a failed call: it counts as a request and as a failure, as in Locust. */
    public synchronized void failure(String name, long responseTimeNanos, String error) {
        double now = now();
        entry(name, now).record(now, responseTimeNanos, 0, true);
        total.record(now, responseTimeNanos, 0, true);
        errors.computeIfAbsent(new ErrorKey(name, error), k -> new AtomicLong()).incrementAndGet();
    }

    /** Hands over what was recorded since the previous drain and starts counting afresh. */
    public synchronized StatsInterval drain() {
        double now = now();
        List<EntrySnapshot> snapshots = new ArrayList<>();
        for (StatsEntry entry : entries.values()) {
            snapshots.add(entry.drain(now));
        }
        snapshots.sort(Comparator.comparing(EntrySnapshot::name));
        List<ErrorCount> errorCounts = new ArrayList<>();
        for (Map.Entry<ErrorKey, AtomicLong> error : errors.entrySet()) {
            long occurrences = error.getValue().getAndSet(0);
            if (occurrences > 0) {
                errorCounts.add(new ErrorCount(METHOD, error.getKey().name(), error.getKey().error(), occurrences));
            }
        }
        errorCounts.sort(Comparator.comparing(ErrorCount::name).thenComparing(ErrorCount::error));
        return new StatsInterval(snapshots, total.drain(now), ok.drain(now), errorCounts);
    }

    private StatsEntry entry(String name, double now) {
        // A plain get first: computeIfAbsent locks its bin even when the entry is already there.
        StatsEntry entry = entries.get(name);
        return entry != null ? entry : entries.computeIfAbsent(name, n -> new StatsEntry(n, METHOD, now));
    }

    private double now() {
        return clock.millis() / 1000.0;
    }
}
