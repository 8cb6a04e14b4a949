package dev.todokube.bgkube.analysis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A finished analysis: the plan, each side's figures and the verdict. */
public record AnalysisResult(AnalysisPlan plan, Instant startedAt, SideResult target, Optional<SideResult> baseline,
                             Verdict verdict) {

    public AnalysisResult {
        Objects.requireNonNull(plan);
        Objects.requireNonNull(startedAt);
        Objects.requireNonNull(target);
        Objects.requireNonNull(baseline);
        Objects.requireNonNull(verdict);
    }
}
