package dev.todokube.loadtest.stats;

import java.util.List;

/**
 * Everything recorded between two drains of {@link RequestStats}: one snapshot per request name,
 * their total (named {@link RequestStats#TOTAL_NAME}), the successful calls alone (named
 * {@link RequestStats#OK_NAME}: a failure's latency is not the service's), and the errors.
 */
public record StatsInterval(List<EntrySnapshot> entries, EntrySnapshot total, EntrySnapshot ok, List<ErrorCount> errors) {

    public StatsInterval {
        entries = List.copyOf(entries);
        errors = List.copyOf(errors);
    }
}
