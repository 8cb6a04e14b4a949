package dev.todokube.bgkube.config;

import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import java.util.Objects;

/** The analysis an env file (or {@code analyze}'s options) asks for: the load shape and the gates. */
public record AnalysisSettings(LoadShape shape, Gates gates) {

    public AnalysisSettings {
        Objects.requireNonNull(shape);
        Objects.requireNonNull(gates);
    }

    /** Off unless a gate is set: an analysis with no gate would decide nothing. */
    public boolean enabled() {
        return !gates.isEmpty();
    }
}
