package dev.todokube.experiment.report;

import dev.todokube.experiment.autoscale.Decision;
import dev.todokube.experiment.rehearsal.RehearsalRecord;
import dev.todokube.experiment.rehearsal.TimelinePoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The figures the article reports, for one run: the most replicas the HPA asked for, the plateau
 * (the replica count after the last rescale and the HPA's average CPU there, when it lasted at
 * least a minute), the load served, the failures and the average response time.
 *
 * @param plateauReplicas empty when the run ended less than a minute after its last rescale
 */
public record RunFigures(int replicasReached, OptionalInt plateauReplicas, OptionalInt plateauUtilization,
                         OptionalDouble requestsPerSecond, Optional<Long> requests, Optional<Long> failures,
                         OptionalDouble averageMs, Duration duration) {

    /**
     * The article's run (pstylianides.com): 1 to 4 replicas, settling at about 69% CPU, about 700
     * req/s, 791,711 requests with 0 failures and 19 ms on average, over about 20 minutes.
     */
    public static final RunFigures ARTICLE = new RunFigures(4, OptionalInt.of(4), OptionalInt.of(69),
            OptionalDouble.of(700), Optional.of(791_711L), Optional.of(0L), OptionalDouble.of(19), Duration.ofMinutes(20));

    /** A plateau is a minute of syncs, at the default 15 s period four of them, without a rescale. */
    private static final int PLATEAU_SYNCS = 4;

    public static RunFigures of(RehearsalRecord record, Optional<LoadHistory> load) {
        List<Decision> decisions = record.decisions();
        int reached = Math.max(record.autoscaler().minReplicas(),
                record.timeline().stream().mapToInt(TimelinePoint::desired).max().orElse(0));
        int lastRescale = -1;
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i).rescaled()) {
                lastRescale = i;
            }
        }
        List<Decision> plateau = decisions.subList(lastRescale + 1, decisions.size());
        OptionalInt plateauReplicas = OptionalInt.empty();
        OptionalInt plateauUtilization = OptionalInt.empty();
        OptionalDouble meanUtilization = plateau.stream().filter(d -> d.utilization().isPresent())
                .mapToInt(d -> d.utilization().getAsInt()).average();
        if (plateau.size() >= PLATEAU_SYNCS && meanUtilization.isPresent()) {
            plateauReplicas = OptionalInt.of(plateau.get(0).currentReplicas());
            plateauUtilization = OptionalInt.of((int) Math.round(meanUtilization.getAsDouble()));
        }
        Duration duration = record.autoscalingSince().flatMap(start -> record.timeline().isEmpty() ? Optional.empty()
                : Optional.of(Duration.between(start, record.timeline().get(record.timeline().size() - 1).at())))
                .orElse(Duration.ZERO);
        Optional<LoadHistory.Totals> totals = load.map(LoadHistory::totals);
        return new RunFigures(reached, plateauReplicas, plateauUtilization,
                totals.map(t -> OptionalDouble.of(t.requestsPerSecond())).orElse(OptionalDouble.empty()),
                totals.map(LoadHistory.Totals::requests), totals.map(LoadHistory.Totals::failures),
                totals.map(t -> OptionalDouble.of(t.averageMs())).orElse(OptionalDouble.empty()), duration);
    }
}
