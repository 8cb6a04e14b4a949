package dev.todokube.bgkube;

/**
 * The lease of a release was taken by another process while this one ran (it could not renew it
 * in time): this process stops before its next step and undoes nothing, since the other one now
 * acts on the same service. A cluster failure to the user (exit code 3).
 */
public final class LeaseLostException extends BgKubeException {

    public LeaseLostException(String message) {
        super(message, null);
    }

    @Override
    public int exitCode() {
        return ClusterException.EXIT_CODE;
    }

    @Override
    public LeaseLostException withMessage(String message) {
        return new LeaseLostException(message);
    }
}
