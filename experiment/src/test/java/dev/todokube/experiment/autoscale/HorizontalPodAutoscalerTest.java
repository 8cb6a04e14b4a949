package dev.todokube.experiment.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The autoscaler's decisions on recorded utilisation series, each checked against the documented
 * algorithm by hand (the arithmetic is in the comments). Pods request 100m, so millicores read as
 * percent of request; the target is 80%.
 */
class HorizontalPodAutoscalerTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration SYNC = Duration.ofSeconds(15);
    /** When the long-running pods started: well past the 5-minute CPU initialisation period. */
    private static final Instant LONG_AGO = T0.minus(Duration.ofMinutes(30));

    /** kubernetes/hpa.yaml's behaviour: up at once, doubling per 15 s; down after 10 min, one pod a minute. */
    private static final AutoscalerSpec PROJECT = new AutoscalerSpec(1, 10, 80,
            new ScalingRules(Duration.ZERO, ScalingRules.SelectPolicy.MAX,
                    List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15)))),
            new ScalingRules(Duration.ofMinutes(10), ScalingRules.SelectPolicy.MAX,
                    List.of(ScalingPolicy.pods(1, Duration.ofMinutes(1)))));
    /** The article's {@code kubectl autoscale --min=1 --max=10 --cpu-percent=80}: Kubernetes' default behaviour. */
    private static final AutoscalerSpec ARTICLE = AutoscalerSpec.withDefaultBehavior(1, 10, 80);
    /** No stabilisation and no rate limit downwards, so the replica calculator's proposal shows as it is. */
    private static final AutoscalerSpec UNDAMPED = new AutoscalerSpec(1, 10, 80, ScalingRules.defaultScaleUp(),
            new ScalingRules(Duration.ZERO, ScalingRules.SelectPolicy.MAX,
                    List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15)))));

    @Test
    void scalesUpByTheRatioWithinTheScaleUpPolicies() {
        // One pod at 190m: 190% / 80% = 2.375; ceil(2.375 x 1) = 3.
        List<PodStatus> busy = List.of(running("pod-1", 190, T0));

        Decision article = hpa(ARTICLE).sync(T0, 1, busy);
        assertThat(article.desiredReplicas()).as("default behaviour allows max(double, +4) = 5").isEqualTo(3);
        assertThat(article.utilization()).hasValue(190);
        assertThat(article.averageMillicores()).hasValue(190);
        assertThat(article.event()).contains(new Decision.Event("Normal", "SuccessfulRescale",
                "New size: 3; reason: cpu resource utilization (percentage of request) above target"));
        assertThat(article.limitedBy()).isEmpty();

        Decision project = hpa(PROJECT).sync(T0, 1, busy);
        assertThat(project.desiredReplicas()).as("100% per 15 s doubles at most").isEqualTo(2);
        assertThat(project.limitedBy()).contains("ScaleUpLimit");
    }

    /**
     * The article's opening minute under hpa.yaml's behaviour: a saturated pod asks for more; the new
     * pod's first sample, whose window began before it was ready, is set aside (counted as 0% on a
     * scale-up, which turns the proposal round: hold); once a whole window follows its readiness it
     * counts, and the policy, its period over, allows the next step.
     */
    @Test
    void aNewPodCountsOnceAWholeMetricWindowFollowsItsReadiness() {
        HorizontalPodAutoscaler hpa = hpa(PROJECT);
        Instant secondStarted = T0.plusSeconds(1);
        Instant secondReady = T0.plusSeconds(5);

        Decision first = hpa.sync(T0, 1, List.of(running("pod-1", 100, T0)));
        assertThat(first.desiredReplicas()).as("100/80 = 1.25; ceil(1.25) = 2").isEqualTo(2);

        // pod-2's sample covers 0-15 s, it was ready at 5 s: set aside. 100% > 80%, so it counts as 0%:
        // (100 + 0) / 200 = 50% < 80%, the direction turns round: hold.
        Instant t15 = T0.plus(SYNC);
        Decision held = hpa.sync(t15, 2, List.of(running("pod-1", 100, t15),
                new PodStatus("pod-2", secondStarted, true, secondReady, false, 100, sample(90, t15))));
        assertThat(held.desiredReplicas()).isEqualTo(2);
        assertThat(held.event()).isEmpty();
        assertThat(held.utilization()).as("reported from the pods that counted").hasValue(100);

        // 15-30 s follows its readiness: (100 + 90) / 200 = 95%; 1.1875 x 2 = 2.375 -> 3. The scale-up at 0 s
        // is not after 30 - 15 s, so the period starts from 2 and allows 4.
        Instant t30 = t15.plus(SYNC);
        Decision next = hpa.sync(t30, 2, List.of(running("pod-1", 100, t30),
                new PodStatus("pod-2", secondStarted, true, secondReady, false, 100, sample(90, t30))));
        assertThat(next.desiredReplicas()).isEqualTo(3);
        assertThat(next.utilization()).hasValue(95);
        assertThat(next.limitedBy()).isEmpty();
    }

    @Test
    void unreadyPodsAreSetAsideAndDampAScaleUp() {
        // Ready pod at 170%: alone it asks for ceil(2.125 x 1) = 3. With the not-yet-ready pod at 0%:
        // 170 / 200 = 85%, 1.0625, within the tolerance: hold at 2.
        Instant started = T0.minusSeconds(10);
        PodStatus starting = new PodStatus("pod-2", started, false, started, false, 100, sample(40, T0));
        Decision decision = hpa(UNDAMPED).sync(T0, 2, List.of(running("pod-1", 170, T0), starting));
        assertThat(decision.desiredReplicas()).isEqualTo(2);
        assertThat(decision.utilization()).hasValue(170);

        // Past the initialisation period, a pod that was ready and then failed its probe counts with its
        // sample (only one never ready is set aside): (170 + 10) / 200 = 90%, 1.125 x 2 = 2.25 -> 3.
        PodStatus oldStarted = running("pod-1", 170, T0);
        PodStatus wasReady = new PodStatus("pod-2", LONG_AGO, false, LONG_AGO.plus(Duration.ofMinutes(2)), false, 100,
                sample(10, T0));
        assertThat(hpa(UNDAMPED).sync(T0, 2, List.of(oldStarted, wasReady)).desiredReplicas()).isEqualTo(3);
        PodStatus neverReady = new PodStatus("pod-2", LONG_AGO, false, LONG_AGO, false, 100, sample(10, T0));
        assertThat(hpa(UNDAMPED).sync(T0, 2, List.of(oldStarted, neverReady)).desiredReplicas())
                .as("the never-ready pod at 0%%: 85%%, within the tolerance").isEqualTo(2);
    }

    @Test
    void nothingChangesWithinTheTolerance() {
        // (85 + 89) / 200 = 87% (truncated); 87 / 80 = 1.0875: within 0.1.
        Decision within = hpa(UNDAMPED).sync(T0, 2, List.of(running("a", 85, T0), running("b", 89, T0)));
        assertThat(within.desiredReplicas()).isEqualTo(2);
        assertThat(within.event()).isEmpty();
        assertThat(within.utilization()).hasValue(87);

        // 90 / 80 = 1.125: ceil(2.25) = 3.
        Decision above = hpa(UNDAMPED).sync(T0, 2, List.of(running("a", 90, T0), running("b", 90, T0)));
        assertThat(above.desiredReplicas()).isEqualTo(3);

        // 4 pods at 73%: 0.9125, within; at 60%: 0.75 x 4 = 3.
        assertThat(hpa(UNDAMPED).sync(T0, 4, pods(4, 73, T0)).desiredReplicas()).isEqualTo(4);
        Decision below = hpa(UNDAMPED).sync(T0, 4, pods(4, 60, T0));
        assertThat(below.desiredReplicas()).isEqualTo(3);
        assertThat(below.event().orElseThrow().message()).isEqualTo("New size: 3; reason: All metrics below target");
    }

    /**
     * Four pods busy at 80%, then idle at 20% (ceil(0.25 x 4) = 1) for twelve minutes: the default
     * behaviour holds for its 5-minute window, then drops to 1 at once; hpa.yaml's holds for 10
     * minutes, then removes one pod a minute.
     */
    @Test
    void scaleDownWaitsForTheStabilizationWindowThenFollowsThePolicies() {
        assertThat(replay(ARTICLE, 4)).containsExactly("300 s: 4 -> 1");
        assertThat(replay(PROJECT, 4)).containsExactly("600 s: 4 -> 3", "660 s: 3 -> 2", "720 s: 2 -> 1");

        HorizontalPodAutoscaler hpa = hpa(ARTICLE);
        hpa.sync(T0, 4, pods(4, 80, T0));
        Decision stabilized = hpa.sync(T0.plus(SYNC), 4, pods(4, 20, T0.plus(SYNC)));
        assertThat(stabilized.desiredReplicas()).isEqualTo(4);
        assertThat(stabilized.limitedBy()).contains("ScaleDownStabilized");
    }

    @Test
    void podsWithoutAMetricCountAsFullyBusyOnAScaleDownAndDeletedPodsNotAtAll() {
        // 40% on the two measured pods alone would ask for 1; the unmeasured one at 100% of its request:
        // (40 + 40 + 100) / 300 = 60%, 0.75 x 3 = 2.25 -> 3: hold. The terminating pod is not counted.
        PodStatus unmeasured = new PodStatus("c", LONG_AGO, true, LONG_AGO, false, 100, Optional.empty());
        PodStatus deleted = new PodStatus("d", LONG_AGO, true, LONG_AGO, true, 100, sample(0, T0));
        Decision decision = hpa(UNDAMPED).sync(T0, 3,
                List.of(running("a", 40, T0), running("b", 40, T0), unmeasured, deleted));
        assertThat(decision.desiredReplicas()).isEqualTo(3);
        assertThat(decision.utilization()).as("reported from the measured pods").hasValue(40);
    }

    @Test
    void noUsableMetricIsAFailedSyncThatKeepsTheCount() {
        PodStatus unmeasured = new PodStatus("a", T0.minusSeconds(5), false, T0.minusSeconds(5), false, 100,
                Optional.empty());
        Decision decision = hpa(ARTICLE).sync(T0, 1, List.of(unmeasured));
        assertThat(decision.desiredReplicas()).isEqualTo(1);
        assertThat(decision.utilization()).isEqualTo(OptionalInt.empty());
        assertThat(decision.event()).contains(new Decision.Event("Warning", "FailedGetResourceMetric",
                "did not receive metrics for targeted pods (pods might be unready)"));
    }

    @Test
    void theReplicaRangeBoundsEveryDecision() {
        // 8 pods at 300%: 3.75 x 8 = 30; the default policies allow max(16, 12) = 16; the range 10.
        Decision capped = hpa(ARTICLE).sync(T0, 8, pods(8, 300, T0));
        assertThat(capped.desiredReplicas()).isEqualTo(10);
        assertThat(capped.limitedBy()).contains("TooManyReplicas");

        Decision raised = hpa(ARTICLE).sync(T0, 0, List.of());
        assertThat(raised.desiredReplicas()).isEqualTo(1);
        assertThat(raised.event().orElseThrow().message())
                .isEqualTo("New size: 1; reason: Current number of replicas below Spec.MinReplicas");
        assertThat(hpa(ARTICLE).sync(T0, 12, pods(12, 80, T0)).desiredReplicas()).isEqualTo(10);
    }

    /** Syncs every 15 s for 13 minutes: first at 80%, then at 20% on every pod; returns the rescales. */
    private static List<String> replay(AutoscalerSpec spec, int replicas) {
        HorizontalPodAutoscaler hpa = hpa(spec);
        List<String> rescales = new ArrayList<>();
        int current = replicas;
        for (int sync = 0; sync <= 52; sync++) {
            Instant now = T0.plus(SYNC.multipliedBy(sync));
            Decision decision = hpa.sync(now, current, pods(current, sync == 0 ? 80 : 20, now));
            if (decision.rescaled()) {
                rescales.add(sync * 15 + " s: " + current + " -> " + decision.desiredReplicas());
                current = decision.desiredReplicas();
            }
        }
        return rescales;
    }

    private static HorizontalPodAutoscaler hpa(AutoscalerSpec spec) {
        return new HorizontalPodAutoscaler(spec, ControllerSettings.kubernetesDefaults());
    }

    private static List<PodStatus> pods(int count, long millicores, Instant now) {
        List<PodStatus> pods = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            pods.add(running("pod-" + i, millicores, now));
        }
        return pods;
    }

    /** A pod ready for long, with a 15 s sample ending now. */
    private static PodStatus running(String name, long millicores, Instant now) {
        return new PodStatus(name, LONG_AGO, true, LONG_AGO, false, 100, sample(millicores, now));
    }

    private static Optional<PodStatus.CpuSample> sample(long millicores, Instant end) {
        return Optional.of(new PodStatus.CpuSample(millicores, end, SYNC));
    }
}
