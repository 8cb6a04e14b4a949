package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.LiveTraffic;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-promotion watch fails closed: on the mock cluster, with the new color's pods' metrics
 * ports leading to real todo-api processes, a watch that sees the new color without a ready pod, that
 * cannot read any pod, or that counts no call never passes: it swaps back (or holds, when asked).
 */
@Timeout(120)
class PostPromotionWatchTest {

    private static final String NS = MockCluster.NAMESPACE;
    private static final String STATE = "bg-kube.todokube.dev/";

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    @RegisterExtension
    static final TodoApiFleet FLEET = new TodoApiFleet();

    @TempDir
    Path dir;

    private MockCluster cluster;
    private KubernetesClient client;
    private TestProject project;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        client = cluster.client();
        project = new TestProject(dir).withClusterIpServices().withMetricsPort();
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        // A short pre-promotion analysis passes first: the new color through its smoke Service, its two pods'
        // metrics (the first two tunnels to them) those of the same process; each test says where later
        // tunnels to green's pods, the watch's, lead.
        project.set("ANALYSIS_MAX_ERROR_RATE", "5%").set("ANALYSIS_WATCH", "6s")
                .set("ANALYSIS_LOADTEST_JAR", ProjectJars.loadtest().toString()).set("ANALYSIS_DURATION", "2s")
                .set("ANALYSIS_USERS", "2").set("ANALYSIS_WAIT_TIME", "constant:50ms").set("ANALYSIS_DEADLINE", "10s")
                .set("ANALYSIS_WARM_UP", "1s");
        project.portForwarder().route("todo-api", FLEET.healthy().grpcAddress())
                .route("todo-api-smoke", FLEET.otherHealthy().grpcAddress())
                .routePods("todo-api-blue", FLEET.healthy().metricsAddress());
    }

    /** Tunnels to green's pods: the analysis's two to the process it loads, the watch's to {@code watched}. */
    private void watchGreenPodsAt(String watched) {
        project.portForwarder().routePods("todo-api-green", FLEET.otherHealthy().metricsAddress(), 2, watched);
    }

    /**
     * Green is OOM-killed over and over under real traffic, so none of its pods is ready: before, the
     * watch ended with exit 3 and the broken color stayed live. Now it swaps back at once; the
     * migrations' rollback needs a ready pod of green (its image knows the migrations), so the undo
     * stops there with the release's record kept, and {@code abort} finishes it once green can run it.
     */
    @Test
    void aNewColorWithoutAReadyPodIsSwappedBack() throws Exception {
        watchGreenPodsAt(FLEET.healthy().metricsAddress());
        CompletableFuture<Void> crash = CompletableFuture.runAsync(() -> {
            awaitSelector("green");
            crashLoop("todo-api-green");
        });

        TestProject.Run run;
        try (ChildProcess traffic = LiveTraffic.start(dir, FLEET.healthy())) {
            run = project.run(cluster, "publish", "--tag", "2");
        }
        crash.get(10, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.err()).startsWith("bg-kube: post-promotion watch of green failed: no ready pod of deployment "
                        + "todo-api-green: pod todo-api-green-")
                .contains("CrashLoopBackOff (back-off 40s restarting failed container), 4 restarts, last exit: OOMKilled")
                .contains("; swapped back: service todo-api selects blue again; undo stopped at step migrate: the "
                        + "migrations' rollback failed: no ready pod of deployment todo-api-green")
                .endsWith("the record of the release is kept: bg-kube abort finishes undoing it\n")
                .hasLineCount(1);
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(project.run(cluster, "status").out()).contains("release interrupted: the publish of tag 2 to green "
                + "(from blue)").contains("its undo stopped: the migrations' rollback failed")
                .contains("next: bg-kube abort finishes undoing it");

        recover("todo-api-green");
        TestProject.Run abort = project.run(cluster, "abort");

        assertThat(abort.exitCode()).as(abort.out() + abort.err()).isZero();
        assertThat(abort.out()).contains("ran the rollback command 'echo rolling-back-to' with the kept status output; "
                + "aborted: green scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)");
        assertThat(project.podExec().calls().get(project.podExec().calls().size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).isZero();
        assertThat(project.run(cluster, "status").out()).doesNotContain("release interrupted");
    }

    /** Every pod's metrics port refuses: before, the watch ended with exit 3 and green stayed live, unwatched. */
    @Test
    void aWatchThatCannotReadAnyPodSwapsBack() {
        watchGreenPodsAt("127.0.0.1:1");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).startsWith("bg-kube: post-promotion watch of green could not observe it: no reading in 6s (")
                .contains("(ANALYSIS_WATCH_BLIND=swap-back); swapped back: service todo-api selects blue again")
                .hasLineCount(1);
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    /** No traffic reached green in the whole watch: before, the watch "passed" and the release was done. */
    @Test
    void aWatchThatCountsNoCallDoesNotPass() {
        watchGreenPodsAt(FLEET.otherHealthy().metricsAddress());

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.out()).doesNotContain("watch of green passed");
        assertThat(run.err()).startsWith("bg-kube: post-promotion watch of green could not observe it: it counted no call in 6s")
                .contains("swapped back: service todo-api selects blue again");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(project.run(cluster, "status").out())
                .contains("last analysis of green: INCONCLUSIVE (post-promotion watch): it counted no call in 6s");
    }

    @Test
    void whenAskedAWatchThatCannotObserveHoldsTheNewColorAndKeepsThePreviousOne() {
        project.set("ANALYSIS_WATCH_BLIND", "hold").set("SCALE_DOWN_DELAY", "90s");
        watchGreenPodsAt(FLEET.otherHealthy().metricsAddress());

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
        assertThat(run.err()).isEqualTo("bg-kube: post-promotion watch of green could not observe it: it counted no call "
                + "in 6s; green stays live unverified, as ANALYSIS_WATCH_BLIND=hold asks, and blue keeps its size for a "
                + "rollback (no scale-down): bg-kube rollback swaps back\n");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(cluster.service("todo-api").getMetadata().getAnnotations()).doesNotContainKey(STATE + "scale-down-color");
        assertThat(project.sleeps()).as("no scale-down delay waited out").isEmpty();
        assertThat(project.run(cluster, "rollback").exitCode()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    /**
     * With a 5 minute scale-down delay, a watch during which 10 minutes pass: the scale-down is due 5
     * minutes after the watch ended. Before, it was due 5 minutes after the swap, so during the watch,
     * and a rollback after the watch found the previous color scaled down.
     */
    @Test
    void theScaleDownIsDueADelayAfterTheWatchHasVerifiedTheNewColor() throws Exception {
        project.set("SCALE_DOWN_DELAY", "5m").interruptSleeps();
        watchGreenPodsAt(FLEET.healthy().metricsAddress());
        CompletableFuture<Void> time = CompletableFuture.runAsync(() -> {
            awaitSelector("green");
            project.advanceClock(Duration.ofMinutes(10));
        });

        TestProject.Run run;
        try (ChildProcess traffic = LiveTraffic.start(dir, FLEET.healthy())) {
            run = project.run(cluster, "publish", "--tag", "2");
        }
        time.get(10, TimeUnit.SECONDS);

        assertThat(run.out()).contains("watch of green passed");
        assertThat(run.out().indexOf("watch of green passed")).isLessThan(run.out().indexOf("scale-down of blue recorded"));
        Instant due = Instant.ofEpochSecond(TestProject.NOW).plus(Duration.ofMinutes(15));
        assertThat(cluster.service("todo-api").getMetadata().getAnnotations())
                .containsEntry(STATE + "scale-down-color", "blue").containsEntry(STATE + "scale-down-at", due.toString());
    }

    private void awaitSelector(String color) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            var service = cluster.service("todo-api");
            if (service != null && color.equals(service.getSpec().getSelector().get("color"))) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("service todo-api never selected " + color);
    }

    /** What the kubelet reports of a container OOM-killed again and again: every pod of green unready. */
    private void crashLoop(String deployment) {
        List<Pod> pods = greenPods();
        for (Pod pod : pods) {
            pod.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("False").build()));
            pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("todo-api").withReady(false)
                    .withRestartCount(4)
                    .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off 40s restarting failed container").endWaiting().endState()
                    .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated()
                    .endLastState().build()));
            client.pods().inNamespace(NS).resource(pod).updateStatus();
        }
        assertThat(pods).as("pods of " + deployment).isNotEmpty();
    }

    /** Green's pods ready again (e.g. after its memory limit was raised by hand). */
    private void recover(String deployment) {
        List<Pod> pods = greenPods();
        for (Pod pod : pods) {
            pod.getStatus().setConditions(List.of(new PodConditionBuilder().withType("Ready").withStatus("True").build()));
            pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("todo-api").withReady(true)
                    .withRestartCount(4).withNewState().withNewRunning().endRunning().endState().build()));
            client.pods().inNamespace(NS).resource(pod).updateStatus();
        }
        assertThat(pods).as("pods of " + deployment).isNotEmpty();
    }

    private List<Pod> greenPods() {
        return client.pods().inNamespace(NS).withLabels(Map.of("app", "todo-api", "color", "green")).list().getItems();
    }
}
