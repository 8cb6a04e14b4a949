package dev.todokube.api.config;

/** A raw configuration value with its key and origin. */
public record SourcedValue(String key, String raw, Source source) {

    /** {@code KEY="raw" (from <source>)}: the prefix of every error about this value. */
    public String describe() {
        return key + "=\"" + raw + "\" (from " + source.describe() + ")";
    }

    ConfigException invalid(String problem) {
        return new ConfigException(describe() + ": " + problem);
    }
}
