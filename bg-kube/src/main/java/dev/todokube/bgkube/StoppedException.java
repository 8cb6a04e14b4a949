package dev.todokube.bgkube;

/**
 * The command was stopped by a signal (SIGINT, SIGTERM) and undid what it had started: exit code
 * 130, as a shell reports a command ended by SIGINT (the JVM itself exits with 128 + the signal's
 * number once the undo is done).
 */
public final class StoppedException extends BgKubeException {

    public static final int EXIT_CODE = 130;

    public StoppedException(String message) {
        super(message, null);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public StoppedException withMessage(String message) {
        return new StoppedException(message);
    }
}
