package dev.todokube.bgkube;

/** Bad options, env file or templates: nothing was built and the cluster was not touched. */
public final class ConfigurationException extends BgKubeException {

    public static final int EXIT_CODE = 2;

    public ConfigurationException(String message) {
        super(message, null);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public ConfigurationException withMessage(String message) {
        return new ConfigurationException(message, this);
    }
}
