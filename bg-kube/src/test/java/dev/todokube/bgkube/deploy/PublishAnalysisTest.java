package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.LiveTraffic;
import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.bgkube.testing.TodoApiFleet;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The pre-promotion analysis in publish, on the mock cluster: the port-forwards to the smoke Service
 * (the new color) and the public Service (the live color) lead to real todo-api processes, loaded by
 * the real loadtest jar. The failing case fails by a margin noise cannot close (every call of the
 * new color takes 3 s, the limit is 1.5 x the live color's p99); the passing one checks no timing.
 *
 * <p>The longest of the classes that mostly wait (on the analysis windows), so it runs beside the
 * others ({@code CONCURRENT}) on a fleet and mock cluster of its own; the lock keeps its own tests
 * one at a time.
 */
@Timeout(120)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("PublishAnalysisTest")
class PublishAnalysisTest {

    private static final String NS = MockCluster.NAMESPACE;
    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    @RegisterExtension
    static final TodoApiFleet FLEET = new TodoApiFleet("publish-analysis");

    @TempDir
    Path dir;

    private MockCluster cluster;
    private KubernetesClient client;
    private TestProject project;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        client = cluster.client();
        project = new TestProject(dir);
        project.withClusterIpServices();
        project.portForwarder().route("todo-api", FLEET.healthy().grpcAddress());
    }

    /** Blue published without analysis, then the analysis keys for the next publish. */
    private void blueLiveThenAnalysis(Map<String, String> gates) {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        blueLiveAnalysisKeys(gates);
    }

    /** A short analysis with these gates (and keys) for the next command. */
    private void blueLiveAnalysisKeys(Map<String, String> gates) {
        project.set("ANALYSIS_LOADTEST_JAR", ProjectJars.loadtest().toString())
                .set("ANALYSIS_DURATION", "3s").set("ANALYSIS_WARM_UP", "2s").set("ANALYSIS_USERS", "3")
                .set("ANALYSIS_WAIT_TIME", "constant:50ms").set("ANALYSIS_DEADLINE", "10s");
        gates.forEach(project::set);
    }

    @Test
    void aFailedGateAbortsThePreviewAndLeavesTheServiceOnTheLiveColor() throws Exception {
        project.withMetricsPort();
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_P99_RATIO", "1.5"));
        // Each color's pods' metrics port leads to the process that serves as that color.
        project.portForwarder().route("todo-api-smoke", FLEET.slow().grpcAddress())
                .routePods("todo-api-green", FLEET.slow().metricsAddress())
                .routePods("todo-api-blue", FLEET.healthy().metricsAddress());
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.err()).startsWith("bg-kube: analysis failed: p99 ratio (load) ")
                .contains("ran the rollback command 'echo rolling-back-to' with the kept status output")
                .contains("aborted: green scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)")
                .hasLineCount(1);
        assertThat(run.out()).contains("verdict: FAIL").doesNotContain("now selects green")
                .containsPattern("p99 ratio +target +load .* FAIL").containsPattern("p99 ratio +target +metrics .* FAIL");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isZero();
        assertThat(cluster.hpa("todo-api-green"))
                .isNull();
        assertThat(cluster.deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls.get(calls.size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(project.portForwarder().opened()).contains("todo-api-smoke:8001", "todo-api:8001");
    }

    /**
     * Issue 16 in a publish: against a service with AUTH_TOKENS, the analysis sends the token of
     * ANALYSIS_TOKEN_FILE to both sides (before, every call was refused, so an error gate aborted every
     * prod publish), and both sides are reached the same way, which the verdict table says. Without the
     * token, the refusal is a configuration error (exit 3) naming the fix, never a pass.
     */
    @Test
    void theAnalysisSendsTheTokenAndReachesBothSidesTheSameWay() throws Exception {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_P99", "5s"));
        project.portForwarder().route("todo-api-smoke", FLEET.tokened().grpcAddress())
                .route("todo-api", FLEET.tokened().grpcAddress());
        Path tokenFile = Files.writeString(dir.resolve("analysis-token"), TodoApiFleet.TOKEN + "\n");

        TestProject.Run refused = project.run(cluster, "publish", "--tag", "2");

        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(3);
        assertThat(refused.err()).startsWith("bg-kube: the analysis is not authorised: ")
                .contains("no token was sent: set ANALYSIS_TOKEN (or ANALYSIS_TOKEN_FILE)");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");

        project.set("ANALYSIS_TOKEN_FILE", tokenFile.toString());
        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("calls with the token from " + tokenFile)
                .contains("target reached through port-forward to 1 pod of service todo-api-smoke\n")
                .contains("baseline reached through port-forward to 1 pod of service todo-api\n")
                .doesNotContain("different kinds of path").doesNotContain(TodoApiFleet.TOKEN)
                .contains("verdict: PASS").contains("service todo-api now selects green");
    }

    @Test
    void noPromoteHoldsAnAnalysedPreviewThatPromoteChecksAgainAndSwapsTo() {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%"));
        project.portForwarder().route("todo-api-smoke", FLEET.otherHealthy().grpcAddress());

        TestProject.Run held = project.run(cluster, "publish", "--tag", "2", "--no-promote");

        assertThat(held.exitCode()).as(held.out() + held.err()).isZero();
        assertThat(held.out()).contains("hold green as a preview").contains("verdict: PASS")
                .contains("previewing registry.example/team/todo-api:2 as green").doesNotContain("now selects green");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isEqualTo(2);
        assertThat(project.run(cluster, "status").out())
                .contains("preview: green (tag 2), not promoted: bg-kube promote swaps to it, bg-kube abort takes it out")
                .contains("last analysis of green: PASS: all 2 gates passed (at ");

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).as(promote.out() + promote.err()).isZero();
        assertThat(promote.out()).contains("promote registry.example/team/todo-api:2 (preview green)")
                .contains("analyze green through service todo-api-smoke against blue").contains("verdict: PASS")
                .contains("service todo-api now selects green");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
        assertThat(project.portForwarder().closed()).as("every tunnel of both analyses closed")
                .containsAll(project.portForwarder().opened());
        Map<String, String> recorded = cluster.service("todo-api").getMetadata()
                .getAnnotations();
        assertThat(recorded).containsEntry("bg-kube.todokube.dev/tag", "2")
                .containsEntry("bg-kube.todokube.dev/migration", "migration-status-42");
        assertThat(project.run(cluster, "status").out()).doesNotContain("preview: green")
                .contains("last analysis of green: PASS");
    }

    /**
     * An analysis that cannot run (the load generator rejects the task name): before, the abort path
     * turned its exit code 2 into 3 and left the migrations applied (they were rolled back only after
     * a failed gate).
     */
    @Test
    void anAnalysisThatCannotRunUndoesTheReleaseAndKeepsItsExitCode() {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%", "ANALYSIS_TASKS", "GetTodoz=1"));
        project.portForwarder().route("todo-api-smoke", FLEET.otherHealthy().grpcAddress());

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).startsWith("bg-kube: the load generator rejected the load shape: ")
                .contains("; ran the rollback command 'echo rolling-back-to' with the kept status output; aborted: green "
                        + "scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)")
                .hasLineCount(1);
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isZero();
    }

    /**
     * A promote that fails for any reason takes the preview out with its migrations rolled back, from
     * the status output the preview kept: before, the promote's abort deleted that output unused.
     */
    @Test
    void aFailedPromoteRollsThePreviewsMigrationsBackWithItsKeptStatusOutput() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2", "--no-promote").exitCode()).isZero();
        blueLiveAnalysisKeys(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%", "ANALYSIS_TASKS", "GetTodoz=1"));
        project.portForwarder().route("todo-api-smoke", FLEET.otherHealthy().grpcAddress());
        int execsBefore = project.podExec().calls().size();

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).as(promote.out() + promote.err()).isEqualTo(2);
        assertThat(promote.err()).contains("ran the rollback command 'echo rolling-back-to' with the kept status output; "
                + "aborted: green scaled to 0 and its HPA deleted");
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls).hasSize(execsBefore + 1);
        assertThat(calls.get(calls.size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isZero();
    }

    @Test
    void aBreachDuringThePostPromotionWatchSwapsBack() throws Exception {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%", "ANALYSIS_WATCH", "6s"));
        // The new color passes the analysis before the swap (its two pods' metrics are those of the
        // process the analysis loads), then its pods count the live traffic: every call rejected (the
        // metrics of a todo-api that wants a token no client sends, under load all along).
        project.portForwarder().route("todo-api-smoke", FLEET.otherHealthy().grpcAddress())
                .routePods("todo-api-green", FLEET.otherHealthy().metricsAddress(), 2, FLEET.locked().metricsAddress())
                .routePods("todo-api-blue", FLEET.healthy().metricsAddress());
        project.withMetricsPort();

        TestProject.Run run = publishUnderLiveTrafficThatIsRejected();

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.out()).contains("verdict: PASS").contains("service todo-api now selects green")
                .contains("error rate 100.00% BREACHED").contains("rolled back: service todo-api now selects blue");
        // Live traffic all refused: the watch's verdict names the refusal, then the failed gate.
        assertThat(run.err()).matches("bg-kube: post-promotion watch of green failed: not authorised: target \\(metrics\\): "
                + "([0-9,]+) of \\1 calls refused \\(UNAUTHENTICATED \\1\\); error rate \\(metrics\\) 100.00%, "
                + "limit <= 5.00%; swapped back: service todo-api selects blue again; ran the rollback command "
                + "'echo rolling-back-to' with the kept status output; aborted: green scaled to 0 and its HPA deleted\n");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls.get(calls.size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(project.portForwarder().opened()).anyMatch(tunnel -> tunnel.startsWith("pod/todo-api-green")
                && tunnel.endsWith(":9090"));
        assertThat(project.run(cluster, "status").out())
                .contains("last analysis of green: FAIL (post-promotion watch): not authorised: target (metrics): ")
                .contains("error rate (metrics) 100.00%");
    }

    @Test
    void podsTheAutoscalerAddsDuringTheWatchAreWatchedToo() throws Exception {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%", "ANALYSIS_WATCH", "8s"));
        // Green's first four pod tunnels (two for the analysis, two as the watch opens) lead to a healthy
        // process that nothing loads; every later one, to pods the autoscaler adds, to one whose every
        // call is rejected, under live traffic all along.
        project.portForwarder().route("todo-api-smoke", FLEET.otherHealthy().grpcAddress())
                .routePods("todo-api-green", FLEET.healthy().metricsAddress(), 4, FLEET.locked().metricsAddress())
                .routePods("todo-api-blue", FLEET.healthy().metricsAddress());
        project.withMetricsPort();
        Thread autoscaler = new Thread(() -> {
            try {
                awaitGreenPodTunnels(4);
                // What the HPA does: the scale subresource's replicas, here through the Deployment's spec.
                client.apps().deployments().inNamespace(NS).withName("todo-api-green")
                        .edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(3).endSpec().build());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-autoscaler");

        TestProject.Run run;
        autoscaler.start();
        try {
            run = publishUnderLiveTrafficThatIsRejected();
        } finally {
            autoscaler.interrupt();
            autoscaler.join(10_000);
        }

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(5);
        assertThat(run.out()).contains("service todo-api now selects green")
                .containsPattern("metrics window: new replica todo-api-green-\\S+, counted from zero")
                .contains("error rate 100.00% BREACHED").contains("rolled back: service todo-api now selects blue");
        assertThat(run.err()).startsWith("bg-kube: post-promotion watch of green failed: not authorised: target (metrics): ")
                .contains("error rate (metrics) 100.00%");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(project.portForwarder().closed()).as("every tunnel closed, the added pods' too")
                .containsAll(project.portForwarder().opened());
    }

    @Test
    void aWatchOfPodsWithoutAMetricsPortIsRefusedBeforeAnythingIsDeployed() {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "5%", "ANALYSIS_WATCH", "6s"));
        List<String> tunnelsBefore = project.portForwarder().opened();

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("bg-kube: ANALYSIS_WATCH reads the new color's metrics, but the pods of "
                + "deployment todo-api-green in " + project.file("deployment.yaml")
                + " have no container port named metrics\n");
        assertThat(cluster.deployment("todo-api-green")).isNull();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(project.portForwarder().opened()).as("no load sent").isEqualTo(tunnelsBefore);
    }

    /**
     * {@code publish --tag 2} while a real load generator sends live traffic to the todo-api that
     * rejects every call, for pods whose metrics tunnels lead there.
     */
    private TestProject.Run publishUnderLiveTrafficThatIsRejected() throws Exception {
        try (ChildProcess traffic = LiveTraffic.start(dir, FLEET.locked())) {
            return project.run(cluster, "publish", "--tag", "2");
        }
    }

    /**
     * Waits until {@code count} tunnels to green's pods were opened, however long the steps before
     * take on a busy machine (the test interrupts it once the publish has ended); a time limit here
     * let the autoscaler act before the watch opened.
     */
    private void awaitGreenPodTunnels(int count) throws InterruptedException {
        while (project.portForwarder().opened().stream().filter(t -> t.startsWith("pod/todo-api-green")).count() < count) {
            Thread.sleep(20);
        }
    }

    @Test
    void dryRunPrintsTheAnalysisPlanWithEveryThreshold() {
        blueLiveThenAnalysis(Map.of("ANALYSIS_MAX_ERROR_RATE", "0.5%", "ANALYSIS_MAX_P99", "250ms",
                "ANALYSIS_MAX_P99_RATIO", "1.2", "ANALYSIS_MIN_RPS", "100"));
        List<String> tunnelsBefore = project.portForwarder().opened();

        TestProject.Run run = project.run(cluster, "publish", "--dry-run", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("# publish registry.example/team/todo-api:2 as green (live: blue)")
                .contains("analyze green through service todo-api-smoke against blue through service todo-api, the same "
                        + "load at the same time, each through its load balancer if both have one, else each through "
                        + "a port-forward to one pod: 3 users (spawn rate 3/s), tasks GetTodos=1, wait constant:50ms, "
                        + "deadline 10s, for 3s after a warm-up of 2s; gates: error rate <= 0.50%, p99 <= 250.0 ms, "
                        + "p99 <= 1.2 x the baseline's p99 in the same run, throughput >= 100 calls/s; calls without a token; "
                        + "a failed gate aborts the publish (exit 5)");
        assertThat(project.portForwarder().opened()).as("no load sent").isEqualTo(tunnelsBefore);
    }

    @Test
    void aFirstPublishHasNoBaselineSoNoRatioGate() {
        project.set("ANALYSIS_MAX_P99_RATIO", "1.2").set("ANALYSIS_MAX_P99", "250ms");

        TestProject.Run run = project.run(cluster, "publish", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("analyze blue through service todo-api-smoke (first publish: no live color to "
                + "compare with): 10 users (spawn rate 10/s), tasks GetTodos=1, for 30s after a warm-up of 5s; gates: "
                + "p99 <= 250.0 ms;");
        project.remove("ANALYSIS_MAX_P99");
        assertThat(project.run(cluster, "publish", "--dry-run").out())
                .contains("for 30s after a warm-up of 5s; gates: none apply (a ratio gate needs a live color), the "
                        + "verdict only reports;");
    }

    @Test
    void badAnalysisSettingsStopThePublishBeforeAnythingIsDeployed() {
        project.set("ANALYSIS_MAX_P95", "100ms");

        TestProject.Run unknown = project.run(cluster, "publish", "--tag", "1");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("bg-kube: ANALYSIS_MAX_P95 in ").contains("unknown analysis key").hasLineCount(1);
        project.remove("ANALYSIS_MAX_P95").set("ANALYSIS_MIN_RPS", "-1");
        TestProject.Run negative = project.run(cluster, "publish", "--tag", "1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("ANALYSIS_MIN_RPS in ").contains("invalid value '-1'").hasLineCount(1);
        project.set("ANALYSIS_MIN_RPS", "1").remove("SMOKE_SERVICE_CONFIG").remove("SMOKE_TESTS_COMMAND");
        TestProject.Run noSmokeService = project.run(cluster, "publish", "--tag", "1");
        assertThat(noSmokeService.exitCode()).isEqualTo(2);
        assertThat(noSmokeService.err()).isEqualTo("bg-kube: the ANALYSIS_* gates need SMOKE_SERVICE_CONFIG: the "
                + "analysis reaches the new color through its smoke Service\n");
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
    }
}
