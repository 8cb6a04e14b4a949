package dev.todokube.experiment.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the HPA knows of one pod at a sync: when it started, its Ready condition and when that last
 * changed, whether it is being deleted, its CPU request, and its latest CPU sample, if the metrics
 * pipeline has one.
 */
public record PodStatus(String name, Instant started, boolean ready, Instant readyChanged, boolean terminating,
                        long cpuRequestMillis, Optional<CpuSample> cpu) {

    /**
     * CPU used over a window, as metrics-server reports it.
     *
     * @param millicores average use over the window
     * @param timestamp the window's end
     */
    public record CpuSample(long millicores, Instant timestamp, Duration window) {
    }

    public PodStatus {
        if (cpuRequestMillis < 1) {
            throw new IllegalArgumentException("pod " + name + " has no CPU request");
        }
    }
}
