package dev.todokube.bgkube;

/**
 * A failure reported to the user as one message; the subtype decides the process exit code
 * (the contract: 2 bad configuration or usage, 3 cluster failure, 4 smoke tests failed, 5 an analysis
 * gate failed, 130 stopped by a signal).
 */
public abstract sealed class BgKubeException extends RuntimeException
        permits ConfigurationException, ClusterException, LeaseLostException, SmokeTestException, AnalysisFailedException,
        StoppedException {

    protected BgKubeException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract int exitCode();

    /** The same failure (same exit code) told with a longer message, e.g. what its abort then did. */
    public abstract BgKubeException withMessage(String message);
}
