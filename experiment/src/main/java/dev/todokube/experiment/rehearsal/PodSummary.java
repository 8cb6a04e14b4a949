package dev.todokube.experiment.rehearsal;

import java.time.Instant;
import java.util.Optional;

/**
 * One pod's life: when it was created, first ready, deleted, how often it went from ready to not
 * ready (a failed readiness probe, an exited container) and how often its container restarted.
 */
public record PodSummary(String name, Instant created, Optional<Instant> firstReady, Optional<Instant> deleted,
                         int readinessLost, int restarts) {
}
