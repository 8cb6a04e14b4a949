package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.PausedCommand;
import dev.todokube.bgkube.testing.TestProject;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a publish safe on a real cluster: abort, capacity parity, the lease, the scale-down
 * intent recorded in the cluster, and the release state status reads.
 */
@Timeout(60)
class PublishSafetyTest {

    private static final String NS = MockCluster.NAMESPACE;
    private static final String STATE = "bg-kube.todokube.dev/";

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

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
    }

    @Test
    void failedMigrationAbortsTheNewColorAndLeavesTheLiveOne() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        project.set("DB_MIGRATIONS_APPLY_COMMAND", "echo schema broken; exit 5");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("command 'echo schema broken; exit 5' failed in deployment todo-api-green with exit code 5")
                .contains("aborted: green scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).isZero();
        assertThat(cluster.hpa("todo-api-green")).isNull();
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void smokeTestsPastTheCommandTimeoutAreStoppedAndThePublishAborted() {
        project.set("COMMAND_TIMEOUT", "1s").set("SMOKE_TESTS_COMMAND", "sleep 20");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "1");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("command 'sh -c sleep 20' did not finish within 1s and was stopped "
                + "(raise --command-timeout, COMMAND_TIMEOUT)").contains("aborted: blue scaled to 0");
        assertThat(cluster.service("todo-api")).isNull();
    }

    @Test
    void newColorIsScaledToTheLiveColorsCurrentSizeBeforeTheSwapAndTheOldOneKeepsItsSize() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        client.apps().deployments().inNamespace(NS).withName("todo-api-blue").scale(5);  // as blue's HPA would under load

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("capacity: scaling todo-api-green from 2 to 5 replicas, as many as todo-api-blue runs now");
        assertThat(run.out().indexOf("capacity: scaling")).isLessThan(run.out().indexOf("service todo-api now selects green"));
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).isEqualTo(5);
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(5);
        HorizontalPodAutoscaler blue = cluster.hpa("todo-api-blue");
        assertThat(blue.getSpec().getMinReplicas()).as("idle blue cannot shrink below its size").isEqualTo(5);
        assertThat(blue.getMetadata().getAnnotations()).containsEntry("bg-kube.todokube.dev/min-replicas-before-pin", "1");

        TestProject.Run rollback = project.run(cluster, "rollback");

        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(cluster.hpa("todo-api-blue").getSpec().getMinReplicas()).as("live again: its own minimum").isEqualTo(1);
        assertThat(cluster.hpa("todo-api-green").getSpec().getMinReplicas()).as("now idle: pinned").isEqualTo(5);
    }

    @Test
    void rollbackToASmallerColorIsRefusedUnlessForced() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();
        client.apps().deployments().inNamespace(NS).withName("todo-api-green").scale(4);
        awaitReadyReplicas("todo-api-green", 4);

        TestProject.Run refused = project.run(cluster, "rollback");

        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err()).contains("refusing to roll back to blue: deployment todo-api-blue has 2 ready pods but "
                + "todo-api-green serves with 4; scale todo-api-blue up first, or give --force to roll back anyway");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");

        TestProject.Run forced = project.run(cluster, "rollback", "--force");

        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    @Test
    void aScaleDownWhoseProcessStoppedStaysRecordedAndNeverTakesARollbacksTarget() {
        project.set("SCALE_DOWN_DELAY", "90s");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        project.interruptSleeps();

        TestProject.Run died = project.run(cluster, "publish", "--tag", "2");

        assertThat(died.err()).contains("bg-kube stopped during the delay");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).as("not scaled down yet").isEqualTo(2);
        Instant due = Instant.ofEpochSecond(TestProject.NOW).plusSeconds(90);
        assertThat(annotations()).containsEntry(STATE + "scale-down-color", "blue")
                .containsEntry(STATE + "scale-down-at", due.toString());

        TestProject.Run early = project.advanceClock(Duration.ofSeconds(60)).run(cluster, "status");
        assertThat(early.out()).contains("scale-down of blue due at " + due).doesNotContain("overdue");
        TestProject.Run late = project.advanceClock(Duration.ofSeconds(60)).run(cluster, "status");
        assertThat(late.out()).contains("scale-down of blue due at " + due + " (overdue");

        TestProject.Run rollback = project.run(cluster, "rollback");

        assertThat(rollback.exitCode()).as("the rollback's target is never scaled down by bg-kube first: " + rollback.err())
                .isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(annotations()).doesNotContainKey(STATE + "scale-down-color");
    }

    @Test
    void aRollbackRunsDuringTheScaleDownDelayAndCancelsIt() {
        project.set("SCALE_DOWN_DELAY", "90s");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        AtomicReference<TestProject.Run> rollback = new AtomicReference<>();
        project.duringNextSleep(() -> rollback.set(project.run(cluster, "rollback")));

        TestProject.Run publish = project.run(cluster, "publish", "--tag", "2");

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(rollback.get().exitCode()).as("the publish released its lease for the delay: " + rollback.get().err())
                .isZero();
        assertThat(publish.out()).contains("scale-down of blue is no longer recorded (a rollback, or a new release of it): skipped");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(client.leases().inNamespace(NS).withName("bg-kube-todo-api").get().getSpec().getHolderIdentity())
                .as("released after the scale-down step").isNull();
    }

    /**
     * A preview published onto the color an earlier release is about to scale down: before, the earlier
     * release's scale-down (after its delay, or a later command's overdue one) took the preview out.
     */
    @Test
    void aPreviewOfTheColorDueForScaleDownIsNeverTakenOutByTheEarlierRelease() {
        project.set("SCALE_DOWN_DELAY", "90s");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        AtomicReference<TestProject.Run> preview = new AtomicReference<>();
        project.duringNextSleep(() -> preview.set(project.run(cluster, "publish", "--tag", "3", "--no-promote")));

        TestProject.Run publish = project.run(cluster, "publish", "--tag", "2");

        assertThat(publish.exitCode()).as(publish.err()).isZero();
        assertThat(preview.get().exitCode()).as(preview.get().err()).isZero();
        assertThat(preview.get().out()).contains("dropping the recorded scale-down of blue (due at ");
        assertThat(publish.out()).contains("scale-down of blue is no longer recorded (a rollback, or a new release of it): skipped");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(cluster.existingDeployment("todo-api-blue").getMetadata().getAnnotations())
                .containsEntry(STATE + "preview-tag", "3");

        TestProject.Run promote = project.advanceClock(Duration.ofMinutes(10)).run(cluster, "promote");

        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
    }

    /** Before, a verdict recorded on a Deployment outlived the version it judged (a re-apply keeps patched annotations). */
    @Test
    void aRedeployedColorForgetsThePreviousVersionsVerdict() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();
        client.apps().deployments().inNamespace(NS).withName("todo-api-blue").edit(d -> {
            d.getMetadata().getAnnotations().put(STATE + "analysis", "FAIL: p99 ratio (load) 3.20 x, limit <= 1.50 x");
            d.getMetadata().getAnnotations().put(STATE + "analysed-at", Instant.ofEpochSecond(TestProject.NOW).toString());
            return d;
        });
        assertThat(project.run(cluster, "status").out()).contains("last analysis of blue: FAIL: p99 ratio");

        assertThat(project.run(cluster, "publish", "--tag", "3").exitCode()).isZero();

        assertThat(project.run(cluster, "status").out()).doesNotContain("last analysis of blue");
        assertThat(cluster.existingDeployment("todo-api-blue").getMetadata().getAnnotations())
                .doesNotContainKeys(STATE + "analysis", STATE + "analysed-at");
    }

    /** A SIGINT (or SIGTERM) in the middle of the smoke tests: the release is undone before the process ends. */
    @Test
    void aStopDuringASmokeTestUndoesTheReleaseAndReleasesTheLease() throws Exception {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        PausedCommand publish = PausedCommand.inSmokeTests(project, cluster, "publish", "--tag", "2");

        project.stopRunningCommand("SIGINT");
        TestProject.Run run = publish.result();

        assertThat(run.exitCode()).isEqualTo(130);
        assertThat(run.err()).isEqualTo("bg-kube: stopped by SIGINT during step smoke-test; ran the rollback command "
                + "'echo rolling-back-to' with the kept status output; aborted: green scaled to 0 and its HPA deleted; "
                + "service todo-api left unchanged (still selects blue)\n");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).isZero();
        Lease lease = client.leases().inNamespace(NS).withName("bg-kube-todo-api").get();
        assertThat(lease.getSpec().getHolderIdentity()).isNull();
        assertThat(lease.getMetadata().getAnnotations()).doesNotContainKey(STATE + "release");
    }

    @Test
    void rollbackBeforeTheDeadlineCancelsTheScaleDown() {
        project.set("SCALE_DOWN_DELAY", "90s");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        project.interruptSleeps();
        assertThat(project.run(cluster, "publish", "--tag", "2").err()).contains("bg-kube stopped during the delay");

        TestProject.Run rollback = project.run(cluster, "rollback");
        TestProject.Run later = project.advanceClock(Duration.ofSeconds(300)).run(cluster, "publish", "--dry-run", "--tag", "3");

        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(annotations()).doesNotContainKey(STATE + "scale-down-color").containsEntry(STATE + "color", "blue");
        assertThat(later.exitCode()).isZero();
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void statusReadsTheReleaseStateRecordedWithTheSwap() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();

        TestProject.Run status = project.run(cluster, "status");

        assertThat(annotations()).containsEntry(STATE + "color", "green").containsEntry(STATE + "tag", "2")
                .containsEntry(STATE + "migration", "migration-status-42").containsEntry(STATE + "changed-by", "publish");
        assertThat(status.out()).contains("recorded: tag 2, migration migration-status-42, by publish at "
                + Instant.ofEpochSecond(TestProject.NOW));
    }

    /**
     * A live holder renews its lease, whatever its clock says: before, a holder whose clock was behind
     * by more than the lease duration looked expired and its lease was taken.
     */
    @ParameterizedTest(name = "holder clock skewed by {0}s")
    @ValueSource(ints = {-120, 0, 120})
    void aLeaseItsHolderRenewsIsNeverTakenWhateverTheHoldersClock(int skewSeconds) throws Exception {
        String holder = "alice@laptop (pid 42, publish 7, id 0a1b2c3d)";
        Duration skew = Duration.ofSeconds(skewSeconds);
        client.leases().inNamespace(NS).resource(lease(holder, now().plus(skew), 2)).create();
        try (RenewingHolder alice = new RenewingHolder(holder, skew)) {
            TestProject.Run refused = project.run(cluster, "publish", "--tag", "1");

            assertThat(refused.exitCode()).isEqualTo(3);
            assertThat(refused.err()).contains("another release is running: lease bg-kube-todo-api is held by " + holder);
            assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).as("nothing deployed").isEmpty();
            assertThat(alice.failures()).as("alice kept her lease").isZero();
        }
    }

    /** Expiry is timed on the taker's clock: a holder that stopped renewing is taken over, even with a clock hours ahead. */
    @Test
    void aLeaseNotRenewedForItsDurationIsTakenOverWhateverItsRenewTimeSays() {
        String holder = "alice@laptop (pid 42, publish 7, id 0a1b2c3d)";
        client.leases().inNamespace(NS).resource(lease(holder, now().plus(Duration.ofHours(3)), 2)).create();

        TestProject.Run later = project.run(cluster, "publish", "--tag", "1");

        assertThat(later.exitCode()).as(later.err()).isZero();
        assertThat(later.out()).contains("lease bg-kube-todo-api is held by " + holder + "; waiting up to 2s")
                .contains("took over the lock of " + holder + ": not renewed for its 2s lease duration");
        Lease lease = client.leases().inNamespace(NS).withName("bg-kube-todo-api").get();
        assertThat(lease.getSpec().getHolderIdentity()).as("released when done").isNull();
        assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void aPublishThatLostItsLeaseStopsBeforeTheSwapAndUndoesNothing() throws Exception {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        PausedCommand publish = PausedCommand.inSmokeTests(project, cluster, "publish", "--tag", "2");
        // Another bg-kube took the lease over (this one could not renew it in time, e.g. a long GC pause).
        Lease held = client.leases().inNamespace(NS).withName("bg-kube-todo-api").get();
        held.getSpec().setHolderIdentity("mallory@ci (pid 7, rollback, id 99999999)");
        client.leases().inNamespace(NS).resource(held).update();

        TestProject.Run run = publish.proceed();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("lost lease bg-kube-todo-api: it is now held by mallory@ci (pid 7, rollback, id 99999999)")
                .contains("undid nothing");
        assertThat(cluster.selector("todo-api")).as("no swap after the lease was lost").containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).as("nothing undone either")
                .isEqualTo(2);
    }

    @Test
    void theLeaseHolderNamesThisMachineAndIsUniquePerProcess() throws Exception {
        PausedCommand publish = PausedCommand.inSmokeTests(project, cluster, "publish", "--tag", "1");

        String holder = client.leases().inNamespace(NS).withName("bg-kube-todo-api").get().getSpec().getHolderIdentity();

        assertThat(publish.proceed().exitCode()).isZero();
        assertThat(holder).startsWith(System.getProperty("user.name") + "@" + InetAddress.getLocalHost().getHostName() + " (pid "
                + ProcessHandle.current().pid() + ", publish 1, id ").matches(".* \\(pid \\d+, publish 1, id [0-9a-f]{8}\\)");
    }

    @Test
    void twoPublishesCannotInterleave() throws Exception {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        // The first publish's smoke test waits (bounded) until the second publish has been refused.
        PausedCommand first = PausedCommand.inSmokeTests(project, cluster, "publish", "--tag", "2");

        TestProject.Run second = project.run(cluster, "rollback");
        TestProject.Run firstRun = first.proceed();

        assertThat(second.exitCode()).as(second.out() + second.err()).isEqualTo(3);
        assertThat(second.err()).contains("another release is running").contains("publish 2, id ");
        assertThat(firstRun.exitCode()).as(firstRun.err()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
    }

    private static ZonedDateTime now() {
        return ZonedDateTime.now(ZoneOffset.UTC);
    }

    private static Lease lease(String holder, ZonedDateTime renewed, int durationSeconds) {
        return new LeaseBuilder().withNewMetadata().withName("bg-kube-todo-api").endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(durationSeconds).withAcquireTime(renewed)
                .withRenewTime(renewed).withLeaseTransitions(0).endSpec().build();
    }

    /** Another bg-kube that holds the lease and renews it every 300 ms, with its clock skewed. */
    private final class RenewingHolder implements AutoCloseable {

        private final ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger failures = new AtomicInteger();

        RenewingHolder(String holder, Duration skew) {
            renewal.scheduleAtFixedRate(() -> {
                Lease lease = client.leases().inNamespace(NS).withName("bg-kube-todo-api").get();
                if (lease == null || !holder.equals(lease.getSpec().getHolderIdentity())) {
                    failures.incrementAndGet();
                    return;
                }
                lease.getSpec().setRenewTime(now().plus(skew));
                try {
                    client.leases().inNamespace(NS).resource(lease).update();
                } catch (KubernetesClientException e) {
                    failures.incrementAndGet();
                }
            }, 300, 300, TimeUnit.MILLISECONDS);
        }

        int failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            renewal.shutdownNow();
            renewal.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private void awaitReadyReplicas(String name, int replicas) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Deployment d = cluster.existingDeployment(name);
            if (d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas())) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(name + " never had " + replicas + " ready replicas");
    }

    private Map<String, String> annotations() {
        return cluster.service("todo-api").getMetadata().getAnnotations();
    }
}
