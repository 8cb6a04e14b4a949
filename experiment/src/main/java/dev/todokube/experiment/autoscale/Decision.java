package dev.todokube.experiment.autoscale;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of one HPA sync.
 *
 * @param utilization the average CPU utilisation (percent of request) over the pods that counted, as
 *     the HPA's status reports it; empty when no pod had a usable metric
 * @param averageMillicores the average CPU of those pods
 * @param event what {@code kubectl describe hpa} would list for this sync: a rescale, or a failure
 *     to get metrics; empty when the HPA only held
 * @param limitedBy the condition that held the replica count back from the metric's proposal
 *     (a stabilisation window, a scaling policy, the replica range), when one did
 */
public record Decision(Instant at, int currentReplicas, int desiredReplicas, OptionalInt utilization,
                       OptionalInt averageMillicores, Optional<Event> event, Optional<String> limitedBy) {

    /** An HPA event as Kubernetes records it: type (Normal, Warning), reason and message. */
    public record Event(String type, String reason, String message) {
    }

    public boolean rescaled() {
        return desiredReplicas != currentReplicas;
    }
}
