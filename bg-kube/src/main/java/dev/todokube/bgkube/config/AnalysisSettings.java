package dev.todokube.bgkube.config;

import dev.todokube.bgkube.analysis.AnalysisToken;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The analysis an env file (or {@code analyze}'s options) asks for: the load shape, the gates, how
 * long a publish watches the new live color after its swap and what it does when the watch cannot
 * observe it, the load generator's jar when it is not where a build of this repository puts it, and
 * the token the analysis's calls send.
 */
public record AnalysisSettings(LoadShape shape, Gates gates, Optional<Duration> watch, WatchBlind watchBlind,
        Optional<Path> loadtestJar, Optional<AnalysisToken> token) {

    /** What a post-promotion watch that cannot observe the new color does (it never passes). */
    public enum WatchBlind {
        /** Swap back to the previous color, as after a breach (the default). */
        SWAP_BACK,
        /** Keep the new color live, unverified, without scaling the previous one down, and exit 3. */
        HOLD
    }

    public AnalysisSettings {
        Objects.requireNonNull(shape);
        Objects.requireNonNull(gates);
        Objects.requireNonNull(watch);
        Objects.requireNonNull(watchBlind);
        Objects.requireNonNull(loadtestJar);
        Objects.requireNonNull(token);
    }

    /** Off unless a gate is set: an analysis with no gate would decide nothing. */
    public boolean enabled() {
        return !gates.isEmpty();
    }
}
