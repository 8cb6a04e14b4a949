package dev.todokube.loadtest.runner;

import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.HistoryPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything a finished standalone run reports.
 *
 * @param ok the successful calls alone
 */
public record RunResult(RunPlan plan, Instant startedAt, Duration elapsed, List<EntrySummary> entries,
                        EntrySummary total, EntrySummary ok, List<ErrorCount> errors, List<HistoryPoint> history) {

    public RunResult {
        entries = List.copyOf(entries);
        errors = List.copyOf(errors);
        history = List.copyOf(history);
    }
}
