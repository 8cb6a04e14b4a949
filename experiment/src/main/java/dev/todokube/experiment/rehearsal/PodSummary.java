package dev.todokube.experiment.rehearsal;

import java.time.Instant;
import java.util.Optional;

/** One pod's life: when it was created, first ready, deleted, and how often its container restarted. */
public record PodSummary(String name, Instant created, Optional<Instant> firstReady, Optional<Instant> deleted,
                         int restarts) {
}
