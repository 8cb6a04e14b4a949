package dev.todokube.experiment.rehearsal;

import java.time.Instant;
import java.util.Map;

/**
 * The rehearsal once a second: the Deployment's replica count, pods ready and pods running (not
 * yet gone, terminating included), and each running pod's CPU over the last second as a percent of
 * its request (a pod without a reading yet is absent).
 */
public record TimelinePoint(Instant at, int desired, int ready, int running, Map<String, Integer> cpuPercent) {

    public TimelinePoint {
        cpuPercent = Map.copyOf(cpuPercent);
    }
}
