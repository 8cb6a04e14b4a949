package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    private KubernetesClient client;
    private TestProject project;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        client = cluster.client();
        project = new TestProject(dir);
    }

    @Test
    void noPromoteThenAbortLeavesTheLiveColorAndTakesThePreviewOut() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(selector()).containsEntry("color", "blue");

        TestProject.Run held = project.run(cluster, "publish", "--tag", "2", "--no-promote");

        assertThat(held.exitCode()).as(held.err()).isZero();
        assertThat(selector()).containsEntry("color", "blue");
        assertThat(deployment("todo-api-green").getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment("todo-api-green").getMetadata().getAnnotations())
                .containsEntry("bg-kube.todokube.dev/preview-tag", "2")
                .containsEntry("bg-kube.todokube.dev/preview-migration", "migration-status-42");

        TestProject.Run abort = project.run(cluster, "abort");

        assertThat(abort.exitCode()).as(abort.err()).isZero();
        assertThat(abort.out()).contains("aborted: green scaled to 0 and its HPA deleted; ran the rollback command "
                + "'echo rolling-back-to' with the kept status output; service todo-api left unchanged (still selects blue)");
        assertThat(selector()).containsEntry("color", "blue");
        assertThat(deployment("todo-api-green").getSpec().getReplicas()).isZero();
        assertThat(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName("todo-api-green").get())
                .isNull();
        assertThat(deployment("todo-api-green").getMetadata().getAnnotations())
                .doesNotContainKeys("bg-kube.todokube.dev/preview-tag", "bg-kube.todokube.dev/preview-migration");
        assertThat(deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls.get(calls.size() - 1).command())
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "migration-status-42");
        assertThat(project.run(cluster, "status").out()).doesNotContain("preview:");

        TestProject.Run again = project.run(cluster, "abort");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.err()).isEqualTo("bg-kube: nothing to abort: deployment todo-api-green holds no preview "
                + "(publish --no-promote leaves one)\n");
        assertThat(selector()).containsEntry("color", "blue");
    }

    @Test
    void abortRefusesThePreviousColorKeptForARollback() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();
        assertThat(selector()).containsEntry("color", "green");

        TestProject.Run abort = project.run(cluster, "abort");

        assertThat(abort.exitCode()).isEqualTo(3);
        assertThat(abort.err()).contains("nothing to abort: deployment todo-api-blue holds no preview");
        assertThat(deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(selector()).containsEntry("color", "green");
    }

    @Test
    void promoteWithoutAPreviewIsRefused() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).isEqualTo(3);
        assertThat(promote.err()).isEqualTo("bg-kube: nothing to promote: deployment todo-api-green holds no preview "
                + "(publish --no-promote leaves one)\n");
        assertThat(selector()).containsEntry("color", "blue");
    }

    @Test
    void aFirstPublishCanBeHeldAndThenPromoted() {
        TestProject.Run held = project.run(cluster, "publish", "--tag", "1", "--no-promote");

        assertThat(held.exitCode()).as(held.err()).isZero();
        assertThat(service()).as("no public Service before the promotion").isNull();
        assertThat(deployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);

        TestProject.Run promote = project.run(cluster, "promote");

        assertThat(promote.exitCode()).as(promote.err()).isZero();
        assertThat(selector()).containsEntry("color", "blue");
        assertThat(service().getMetadata().getAnnotations()).containsEntry("bg-kube.todokube.dev/migration", "seeded");
        assertThat(deployment("todo-api-blue").getMetadata().getAnnotations())
                .doesNotContainKey("bg-kube.todokube.dev/preview-tag");
    }

    @Test
    void dryRunOfNoPromotePlansNoSwap() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "publish", "--dry-run", "--tag", "2", "--no-promote");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("hold green as a preview: record it on deployment todo-api-green and leave "
                + "service todo-api as it is (then bg-kube promote, or bg-kube abort)").doesNotContain("swap:");
        assertThat(deployment("todo-api-green")).isNull();
        assertThat(selector()).containsEntry("color", "blue");
    }

    private Service service() {
        return client.services().inNamespace(NS).withName("todo-api").get();
    }

    private Map<String, String> selector() {
        return service().getSpec().getSelector();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }
}
