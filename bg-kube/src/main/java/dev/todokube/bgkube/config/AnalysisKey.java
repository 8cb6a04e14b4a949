package dev.todokube.bgkube.config;

import java.util.Locale;

/**
 * The analysis settings: options of {@code analyze} (e.g. {@code --max-p99}) and, with the
 * {@code ANALYSIS_} prefix, env file keys (e.g. {@code ANALYSIS_MAX_P99}). The env file's keys are
 * off unless set, so an env file without them behaves as before.
 */
public enum AnalysisKey {
    DURATION("DURATION", "How long the measured window lasts.", "30s", false),
    USERS("N", "Simulated users per side.", "10", false),
    SPAWN_RATE("PER_S", "Users started per second.", "all users in the first second", false),
    TASKS("RPC=W,...", "The load generator's weighted tasks.", "GetTodos=1", false),
    WAIT_TIME("SPEC", "Wait between a user's tasks: between:MIN:MAX, constant:D or constant-throughput:N.",
            "the load generator's, between:100ms:1000ms", false),
    WARM_UP("DURATION", "Load before the window whose calls are left out, so both sides are measured warm (the load "
            + "generator warms itself up before this, whatever it is).", "5s", false),
    DEADLINE("DURATION", "Deadline of each call; a later call fails with DEADLINE_EXCEEDED.", "the load generator's, 2s", false),
    WATCH("DURATION", "After a publish's swap, watch the new live color's own metrics (error rate, p99) this long; "
            + "a breached gate swaps back.", "off", false),
    WATCH_BLIND("swap-back|hold", "What a watch that cannot observe the new color (no reading for 15s, or no call at all) "
            + "does: swap back, or hold it live unverified (no scale-down of the previous color) and exit 3.",
            "swap-back", false),
    LOADTEST_JAR("FILE", "The load generator's jar.", "loadtest.jar beside bg-kube's jar, or loadtest/target/ of its checkout",
            false),
    TOKEN_FILE("FILE", "A file whose first line is the bearer token every analysis call sends (for a service with "
            + "AUTH_TOKENS); it reaches the load generators through their environment, never a command line.",
            "the ANALYSIS_TOKEN environment variable of bg-kube's process, else none", false),
    ERROR_CEILING("R", "Largest share of failed calls of either side, gate or not (0.05 or 5%); above it the analysis "
            + "fails.", "5%", false),
    MAX_ERROR_RATE("R", "Gate: largest share of failed calls, 0.01 or 1%.", null, true),
    MAX_P99("DURATION", "Gate: largest p99 latency, e.g. 250ms.", null, true),
    MAX_P99_RATIO("X", "Gate: target p99 <= X times the baseline's p99 in the same run.", null, true),
    MIN_RPS("N", "Gate: fewest completed calls per second at the target.", null, true);

    private final String label;
    private final String description;
    private final String defaultText;
    private final boolean gate;

    AnalysisKey(String label, String description, String defaultText, boolean gate) {
        this.label = label;
        this.description = description;
        this.defaultText = defaultText;
        this.gate = gate;
    }

    /** The option of {@code analyze}, e.g. {@code --max-p99}. */
    public String flag() {
        return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The env file key, e.g. {@code ANALYSIS_MAX_P99}. */
    public String envName() {
        return "ANALYSIS_" + name();
    }

    public String label() {
        return label;
    }

    public String description() {
        return description + (defaultText == null ? "" : " Default: " + defaultText + ".");
    }

    public boolean gate() {
        return gate;
    }

    /** Whether {@code analyze} takes it as an option: the watch belongs to a publish. */
    public boolean analyzeOption() {
        return this != WATCH && this != WATCH_BLIND;
    }

    /** Where something is, not what to measure: set alone, it does not ask for an analysis. */
    boolean location() {
        return this == LOADTEST_JAR || this == TOKEN_FILE;
    }
}
