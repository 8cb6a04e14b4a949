package dev.todokube.experiment.rehearsal;

import java.time.Instant;

/** Something that happened to a pod (created, ready, not ready, restarted, deleted, gone). */
public record PodEvent(Instant at, String pod, String message) {
}
