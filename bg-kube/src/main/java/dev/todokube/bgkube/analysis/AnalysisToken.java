package dev.todokube.bgkube.analysis;

import java.util.Objects;

/**
 * The bearer token the analysis's load generators send to both sides, and where it came from. It
 * reaches them through their environment, never a command line; {@link #toString()} names only
 * its origin, so no log or message can print it.
 *
 * @param origin e.g. {@code the ANALYSIS_TOKEN environment variable} or {@code --token-file /run/token}
 */
public record AnalysisToken(String value, String origin) {

    public AnalysisToken {
        Objects.requireNonNull(origin);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the token from " + origin + " is empty");
        }
    }

    @Override
    public String toString() {
        return "the token from " + origin;
    }
}
