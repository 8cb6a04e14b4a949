package dev.todokube.loadtest.stats;

import java.util.List;

/**
 * Everything recorded between two drains of {@link RequestStats}: one snapshot per request name,
 * their total (named {@link RequestStats#TOTAL_NAME}), and the errors.
 */
public record StatsInterval(List<EntrySnapshot> entries, EntrySnapshot total, List<ErrorCount> errors) {

    public StatsInterval {
        entries = List.copyOf(entries);
        errors = List.copyOf(errors);
    }
}
