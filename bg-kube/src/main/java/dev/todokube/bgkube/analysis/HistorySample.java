package dev.todokube.bgkube.analysis;

/**
 * One second of one side's run, for the charts.
 *
 * @param atSeconds seconds since the earliest sample of either side (both sides share the axis)
 * @param users users running
 * @param requestsPerSecond calls completed per second in this interval
 * @param failuresPerSecond failed calls per second in this interval
 * @param meanMs mean latency of the calls completed in this interval; NaN when none did
 */
public record HistorySample(long atSeconds, int users, double requestsPerSecond, double failuresPerSecond,
                            double meanMs) {
}
