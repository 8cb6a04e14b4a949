package dev.todokube.bgkube;

/** The cluster (or image build/push) did not reach the awaited state: timeouts, failed Jobs, unreachable API. */
public final class ClusterException extends BgKubeException {

    public static final int EXIT_CODE = 3;

    public ClusterException(String message) {
        super(message, null);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public ClusterException withMessage(String message) {
        return new ClusterException(message, this);
    }
}
