package dev.todokube.experiment.rehearsal;

import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.Decision;
import dev.todokube.experiment.service.PodBudget;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a rehearsal recorded: the autoscaler and pods it ran, when autoscaling began, the timeline
 * (once a second), every HPA sync's decision, every pod event, and each pod's life.
 */
public record RehearsalRecord(AutoscalerSpec autoscaler, long cpuRequestMillis, PodBudget limits,
                              Optional<Instant> autoscalingSince, List<TimelinePoint> timeline,
                              List<Decision> decisions, List<PodEvent> podEvents, List<PodSummary> pods) {

    public RehearsalRecord {
        timeline = List.copyOf(timeline);
        decisions = List.copyOf(decisions);
        podEvents = List.copyOf(podEvents);
        pods = List.copyOf(pods);
    }

    /** The syncs that changed the replica count. */
    public List<Decision> rescales() {
        return decisions.stream().filter(Decision::rescaled).toList();
    }
}
