package dev.todokube.bgkube;

/** An analysis gate failed: the new version is worse than the thresholds (or the baseline) allow. */
public final class AnalysisFailedException extends BgKubeException {

    public static final int EXIT_CODE = 5;

    public AnalysisFailedException(String message) {
        super(message, null);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public AnalysisFailedException withMessage(String message) {
        return new AnalysisFailedException(message);
    }
}
