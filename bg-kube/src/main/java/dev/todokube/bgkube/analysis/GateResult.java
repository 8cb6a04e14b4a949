package dev.todokube.bgkube.analysis;

/**
 * One gate checked against one figure.
 *
 * @param gate e.g. {@code p99 ratio}, or {@code error ceiling} (checked whatever the gates)
 * @param side whose figure it is: {@code target} or {@code baseline} (only the error ceiling judges the baseline)
 * @param source {@code load} (the load generator's view), {@code metrics} (the service's own counters,
 *     scraped from its endpoints) or {@code prometheus} (the same counters, queried from a Prometheus)
 * @param threshold the limit as written, e.g. {@code <= 250.0 ms}
 * @param value the measured figure as written
 * @param limit the limit as a number (ms, fraction, ratio or calls/s)
 * @param measured the figure as a number in the same unit; NaN when it could not be measured
 */
public record GateResult(String gate, String side, String source, String threshold, String value, double limit,
                         double measured, boolean passed) {
}
