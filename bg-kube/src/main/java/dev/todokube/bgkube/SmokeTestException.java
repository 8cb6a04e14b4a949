package dev.todokube.bgkube;

/** The smoke tests failed against the new color; the public Service was left as it was. */
public final class SmokeTestException extends BgKubeException {

    public static final int EXIT_CODE = 4;

    public SmokeTestException(String message) {
        super(message, null);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public SmokeTestException withMessage(String message) {
        return new SmokeTestException(message);
    }
}
