package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual gate without an analysis: {@code publish --no-promote} leaves a preview, {@code abort}
 * takes it out, {@code promote} swaps to it; the public Service's selector is checked after each step.
 * (With an analysis: {@code PublishAnalysisTest}.)
 */
@Timeout(60)
class ManualGateTest {

    private static final String NS = MockCluster.NAMESPACE;

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    @TempDir
    Path dir;

    private MockCluster cluster;
    private TestProject project;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        project = new TestProject(dir);
    }

    @Test
    void noPromoteThenAbortLeavesTheLiveColorAndTakesThePreviewOut() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");

        TestProject.Run held = project.run(cluster, "publish", "--tag", "2", "--no-promote");

        assertThat(held.exitCode()).as(held.err()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isEqualTo(2);
        assertThat(cluster.deployment("todo-api-green").getMetadata().getAnnotations())
                .containsEntry("bg-kube.todokube.dev/preview-tag", "2")
                .containsEntry("bg-kube.todokube.dev/preview-migration", "migration-status-42");

        TestProject.Run abort = project.run(cluster, "abort");

        assertThat(abort.exitCode()).as(abort.err()).isZero();
        assertThat(abort.out()).contains("ran the rollback command 'echo rolling-back-to' with the kept status output; "
                + "aborted: green scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.deployment("todo-api-green").getSpec().getReplicas()).isZero();
        assertThat(cluster.hpa("todo-api-green"))
                .isNull();
        assertThat(cluster.deployment("todo-api-green").getMetadata().getAnnotations())
                .doesNotContainKeys("bg-kube.todokube.dev/preview-tag", "bg-kube.todokube.dev/preview-migration");
        assertThat(cluster.deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls.get(calls.size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(project.run(cluster, "status").out()).doesNotContain("preview:");

        TestProject.Run again = project.run(cluster, "abort");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.err()).isEqualTo("bg-kube: nothing to abort: deployment todo-api-green holds no preview "
                + "(publish --no-promote leaves one)\n");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    @Test
    void abortRefusesThePreviousColorKeptForARollback() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");

        TestProject.Run abort = project.run(cluster, "abort");

        assertThat(abort.exitCode()).isEqualTo(3);
        assertThat(abort.err()).contains("nothing to abort: deployment todo-api-blue holds no preview");
        assertThat(cluster.deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
    }

    @Test
    void promoteWithoutAPreviewIsRefused() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).isEqualTo(3);
        assertThat(promote.err()).isEqualTo("bg-kube: nothing to promote: deployment todo-api-green holds no preview "
                + "(publish --no-promote leaves one)\n");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    @Test
    void aFirstPublishCanBeHeldAndThenPromoted() {
        TestProject.Run held = project.run(cluster, "publish", "--tag", "1", "--no-promote");

        assertThat(held.exitCode()).as(held.err()).isZero();
        assertThat(cluster.service("todo-api")).as("no public Service before the promotion").isNull();
        assertThat(cluster.deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.service("todo-api").getMetadata().getAnnotations()).containsEntry("bg-kube.todokube.dev/migration", "seeded");
        assertThat(cluster.deployment("todo-api-blue").getMetadata().getAnnotations())
                .doesNotContainKey("bg-kube.todokube.dev/preview-tag");
    }

    @Test
    void dryRunOfNoPromotePlansNoSwap() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "publish", "--dry-run", "--tag", "2", "--no-promote");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("hold green as a preview: record it on deployment todo-api-green and leave "
                + "service todo-api as it is (then bg-kube promote, or bg-kube abort)").doesNotContain("swap:");
        assertThat(cluster.deployment("todo-api-green")).isNull();
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }
}
