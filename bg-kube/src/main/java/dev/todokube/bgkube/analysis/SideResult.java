package dev.todokube.bgkube.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One side's figures over the measured window, as its load generator saw them, plus its own
 * metrics when they were scraped. Latency and throughput are those of the OK calls: a failed call,
 * often answered at once, would flatter both.
 *
 * @param side {@code target} or {@code baseline}
 * @param calls every call made in the window, failed ones included
 * @param p50Ms median latency of the OK calls; {@code p95Ms} and {@code p99Ms} likewise
 * @param okPerSecond OK calls per second
 * @param errors failed calls by gRPC status code
 * @param server the service's own counters over the window, one reading per source (none, its
 *     metrics endpoints, a Prometheus server, or both)
 */
public record SideResult(String side, List<String> addresses, long calls, long failures, double p50Ms,
                         double p95Ms, double p99Ms, double okPerSecond, double elapsedSeconds,
                         Map<String, Long> errors, List<HistorySample> history, List<ServerMetrics> server) {

    public SideResult {
        addresses = List.copyOf(addresses);
        errors = Collections.unmodifiableSortedMap(new TreeMap<>(errors));
        history = List.copyOf(history);
        server = List.copyOf(server);
    }

    /** The reading from one source ({@link ServerMetrics#METRICS} or {@link ServerMetrics#PROMETHEUS}), if read. */
    public Optional<ServerMetrics> server(String source) {
        return server.stream().filter(reading -> reading.source().equals(source)).findFirst();
    }

    public long okCalls() {
        return calls - failures;
    }

    /** Failed calls over all calls; NaN when there were none. */
    public double errorRate() {
        return calls == 0 ? Double.NaN : (double) failures / calls;
    }

    SideResult withServer(ServerMetrics reading) {
        List<ServerMetrics> readings = new ArrayList<>(server);
        readings.add(reading);
        return new SideResult(side, addresses, calls, failures, p50Ms, p95Ms, p99Ms, okPerSecond,
                elapsedSeconds, errors, history, readings);
    }
}
