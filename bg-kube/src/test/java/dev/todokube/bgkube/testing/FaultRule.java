package dev.todokube.bgkube.testing;

/**
 * A fault for requests: from the {@code nth} request the matcher picks (counted from when the
 * rule is injected, 1 being the next one), {@code times} requests in a row get the fault.
 */
public record FaultRule(RequestMatcher matcher, Fault fault, int nth, int times) {

    /** Forever, for {@link #times(int)}. */
    public static final int ALWAYS = Integer.MAX_VALUE;

    public FaultRule {
        if (nth < 1 || times < 1) {
            throw new IllegalArgumentException("nth and times start at 1, got nth=" + nth + ", times=" + times);
        }
    }

    /** The fault for the next matching request, once. */
    public static FaultRule on(RequestMatcher matcher, Fault fault) {
        return new FaultRule(matcher, fault, 1, 1);
    }

    /** Starting with the n-th matching request (1 is the next one). */
    public FaultRule nth(int n) {
        return new FaultRule(matcher, fault, n, times);
    }

    /** For this many matching requests in a row ({@link #ALWAYS} for all). */
    public FaultRule times(int count) {
        return new FaultRule(matcher, fault, nth, count);
    }
}
