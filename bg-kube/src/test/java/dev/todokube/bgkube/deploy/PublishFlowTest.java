package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.ClusterSimulator;
import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.TestProject;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** publish and rollback through the command line against the mock cluster. */
@Timeout(60)
class PublishFlowTest {

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
    void firstPublishBuildsDeploysBlueSeedsSmokeTestsAndSwaps() {
        TestProject.Run run = project.run(cluster, "publish");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String image = "registry.example/team/todo-api:" + TestProject.NOW;
        assertThat(project.commands().commands()).extracting(c -> c.argv()).contains(
                List.of("docker", "build", ".", "-f", "./Dockerfile", "-t", image,
                        "--build-arg", "VERSION=1.2", "--build-arg", "PROFILE=prod"),
                List.of("docker", "push", image));
        Deployment blue = cluster.existingDeployment("todo-api-blue");
        assertThat(blue.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(image);
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("todo-api-seed").get().getStatus().getSucceeded())
                .isEqualTo(1);
        assertThat(selector("todo-api")).containsEntry("color", "blue");
        assertThat(project.smokeHosts()).as("the original's TEST_HOST: the port's name as the scheme").hasSize(1)
                .allMatch(h -> h.matches("grpc://10\\.96\\.0\\.\\d+:8001"));
        HorizontalPodAutoscaler hpa = cluster.hpa("todo-api-blue");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("todo-api-blue");
        assertThat(project.podExec().calls()).as("no migration commands on a first publish").isEmpty();
        assertThat(run.out()).contains("published " + image + " as blue");
    }

    @Test
    void secondPublishDeploysGreenMigratesInItsPodAndSwaps() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(selector("todo-api")).containsEntry("color", "green");
        assertThat(image("todo-api-green")).endsWith(":2");
        assertThat(image("todo-api-blue")).as("previous color kept for an instant rollback").endsWith(":1");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls).extracting(c -> c.command().get(2)).containsExactly("echo migration-status-42", "echo applied");
        assertThat(calls).allSatisfy(c -> {
            assertThat(c.pod()).startsWith("todo-api-green-");
            assertThat(c.namespace()).isEqualTo(NS);
            assertThat(c.container()).isEqualTo("todo-api");
        });
        assertThat(project.commands().commands()).as("--tag deploys an existing image").noneMatch(
                c -> c.argv().get(0).equals("docker"));
        assertThat(run.out()).contains("swap: apply service todo-api selecting green");
    }

    @Test
    void failedSmokeTestsLeaveThePublicServiceAndRunTheRollbackCommandWithTheStatusOutput() {
        project.set("DB_MIGRATIONS_STATUS_COMMAND", "echo 0042_add_index applied");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        project.set("SMOKE_TESTS_COMMAND", "echo smoke failing against $TEST_HOST; exit 7");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).contains("smoke tests failed (exit code 7) against green")
                .contains("service todo-api left unchanged (still selects blue)")
                .contains("aborted: green scaled to 0 and its HPA deleted");
        assertThat(selector("todo-api")).containsEntry("color", "blue");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).as("aborted").isZero();
        assertThat(cluster.hpa("todo-api-green")).as("its HPA would scale it back up").isNull();
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(cluster.hpa("todo-api-blue")).isNotNull();
        List<LocalPodExec.Call> calls = project.podExec().calls();
        assertThat(calls).hasSize(3);
        LocalPodExec.Call rollback = calls.get(2);
        assertThat(rollback.command()).as("the status output split into words, as the original passed it")
                .containsExactly("sh", "-c", "echo rolling-back-to \"$@\"", "sh", "0042_add_index", "applied");
        assertThat(rollback.result().output()).isEqualTo("rolling-back-to 0042_add_index applied\n");
        assertThat(rollback.pod()).startsWith("todo-api-green-");
    }

    @Test
    void rollbackPointsThePublicServiceAtTheOtherColor() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "rollback");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(selector("todo-api")).containsEntry("color", "blue");
        assertThat(run.out()).contains("rollback: point service todo-api from green to blue (deployment todo-api-blue, "
                + "2 ready pods; green serves with 2)");
    }

    @Test
    void rollbackIsRefusedWhenTheOtherColorHasNoReadyPods() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        TestProject.Run noGreen = project.run(cluster, "rollback");
        assertThat(noGreen.exitCode()).isEqualTo(3);
        assertThat(noGreen.err()).contains("refusing to roll back to green: deployment todo-api-green does not exist");

        project.set("DEPLOYMENT_TIMEOUT", "1s");
        cluster.simulator().podsOf("todo-api-green", new ClusterSimulator.NoPods());
        TestProject.Run failed = project.run(cluster, "publish", "--tag", "2");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.err()).contains("timed out after 1s waiting for deployment todo-api-green (0/2 ready)")
                .contains("aborted: green scaled to 0 and its HPA deleted; service todo-api left unchanged (still selects blue)");
        assertThat(cluster.existingDeployment("todo-api-green").getSpec().getReplicas()).isZero();

        TestProject.Run run = project.run(cluster, "rollback");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("refusing to roll back to green: deployment todo-api-green has no ready pods (0/0 desired)")
                .contains("it was scaled down: publish again instead");
        assertThat(selector("todo-api")).containsEntry("color", "blue");
    }

    @Test
    void deploymentTimeoutSaysWhyFromThePodsAndEvents() {
        project.set("DEPLOYMENT_TIMEOUT", "3s");
        cluster.simulator().podsOf("todo-api-blue", new ClusterSimulator.Waiting("ImagePullBackOff",
                "Back-off pulling image \"registry.example/team/todo-api:9\""));
        cluster.simulator().warningEvent("Deployment", "todo-api-blue", "FailedCreate", "quota nearly exhausted");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "9");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("timed out after 3s waiting for deployment todo-api-blue (0/2 ready)")
                .contains("container todo-api waiting: ImagePullBackOff (Back-off pulling image")
                .contains("Warning FailedCreate deployment/todo-api-blue: quota nearly exhausted");
        assertThat(run.out()).containsPattern("waiting for deployment todo-api-blue: 0/2 ready \\(\\d+s of 3s\\)");
        assertThat(cluster.service("todo-api")).as("no swap").isNull();
        assertThat(run.err()).contains("aborted: blue scaled to 0 and its HPA deleted; service todo-api left unchanged (not created)");
        assertThat(run.out()).contains("aborted: blue scaled to 0");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isZero();
        assertThat(cluster.hpa("todo-api-blue")).isNull();
    }

    @Test
    void failedSeedJobFailsAtOnceWithTheJobsMessage() {
        cluster.simulator().job("todo-api-seed", new ClusterSimulator.Fails("BackoffLimitExceeded",
                "Job has reached the specified backoff limit"));

        TestProject.Run run = project.run(cluster, "publish", "--tag", "3");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("job todo-api-seed failed: BackoffLimitExceeded (Job has reached the specified backoff limit)");
        assertThat(run.err()).doesNotContain("timed out");
        assertThat(cluster.service("todo-api")).isNull();
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).as("aborted").isZero();
    }

    @Test
    void seedJobTimeoutShowsThePodsWaitingReason() {
        project.set("DB_MIGRATIONS_JOB_TIMEOUT", "3s");
        cluster.simulator().job("todo-api-seed", new ClusterSimulator.Hangs("CrashLoopBackOff"));

        TestProject.Run run = project.run(cluster, "publish", "--tag", "3");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("timed out after 3s waiting for job todo-api-seed (0/1 succeeded, 1 active)")
                .contains("container seed waiting: CrashLoopBackOff")
                .contains("aborted: blue scaled to 0");
        assertThat(cluster.service("todo-api")).isNull();
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isZero();
    }

    @Test
    void smokeServiceWithoutAnAddressIsReachedThroughAPortForward() {
        project.set("SMOKE_SERVICE_TIMEOUT", "1s");
        project.set("KOPS_STATE_STORE", "s3://kops-state");
        project.set("SMOKE_TESTS_COMMAND", "echo \"$TEST_HOST $TEST_ADDRESS $KOPS_STATE_STORE\" >> "
                + project.file("smoke-hosts.txt"));
        cluster.simulator().withholdAddress("todo-api-smoke");

        TestProject.Run run = project.run(cluster, "publish", "--tag", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("timed out after 1s waiting for external address of service todo-api-smoke")
                .contains("falling back to a port-forward");
        assertThat(project.portForwarder().opened()).containsExactly("todo-api-smoke:8001");
        assertThat(project.portForwarder().closed()).containsExactly("todo-api-smoke:8001");
        assertThat(project.smokeHosts()).containsExactly("grpc://127.0.0.1:18001 127.0.0.1:18001 s3://kops-state");
    }

    @Test
    void testHostIsHttpWhenTheSmokeServicesPortHasNoName() {
        project.writeFile("smoke-service.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: $SERVICE_NAME-smoke}
            spec:
              type: LoadBalancer
              selector: {app: $SERVICE_NAME, color: $COLOR}
              ports: [{port: 80, targetPort: 8001}]
            """);

        TestProject.Run run = project.run(cluster, "publish", "--tag", "5");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(project.smokeHosts()).singleElement().asString().matches("http://10\\.96\\.0\\.\\d+:80");
    }

    @Test
    void scaleDownOfThePreviousColorAfterTheDelayIsOptIn() {
        project.set("SCALE_DOWN_DELAY", "90s");
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.sleeps()).as("nothing to scale down on a first publish").isEmpty();

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(project.sleeps()).containsExactly(Duration.ofSeconds(90));
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).isZero();
        assertThat(cluster.hpa("todo-api-blue"))
                .as("its HPA would scale it straight back up").isNull();
        assertThat(cluster.hpa("todo-api-green"))
                .isNotNull();
        assertThat(cluster.service("todo-api").getMetadata().getAnnotations())
                .as("the recorded intent is done").doesNotContainKey("bg-kube.todokube.dev/scale-down-color");
    }

    @Test
    void severalDeploymentsPerColorAreAllAwaitedAndOnlyTheServedOneRunsMigrations() {
        project.writeFile("deployment.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: master-config-$COLOR}
            data: {file: "x"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: cache-$COLOR}
            spec:
              replicas: 1
              selector: {matchLabels: {app: cache, color: $COLOR}}
              template:
                metadata: {labels: {app: cache, color: $COLOR}}
                spec: {containers: [{name: cache, image: "stock/cache:7"}]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: $SERVICE_NAME-$COLOR}
            spec:
              replicas: 1
              selector: {matchLabels: {app: $SERVICE_NAME, color: $COLOR}}
              template:
                metadata: {labels: {app: $SERVICE_NAME, color: $COLOR}}
                spec: {containers: [{name: api, image: "${IMAGE_NAME}:$TAG"}]}
            """);
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(cluster.existingDeployment("cache-green").getSpec().getReplicas()).isEqualTo(1);
        assertThat(client.configMaps().inNamespace(NS).withName("master-config-green").get()).isNotNull();
        assertThat(project.podExec().calls()).isNotEmpty().allSatisfy(c -> assertThat(c.pod()).startsWith("todo-api-green-"));
        assertThat(run.out()).contains("apply deployment cache-green, todo-api-green with configmap master-config-green");
        assertThat(selector("todo-api")).containsEntry("color", "green");
    }

    @Test
    void statusShowsTheActiveColorAndBothDeployments() {
        assertThat(project.run(cluster, "publish", "--tag", "1").exitCode()).isZero();
        assertThat(project.run(cluster, "publish", "--tag", "2").exitCode()).isZero();

        TestProject.Run run = project.run(cluster, "status");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("service todo-api in namespace " + NS + ": active color green");
        assertThat(run.out().lines().filter(l -> l.contains("todo-api-green")).findFirst().orElseThrow())
                .startsWith("*").contains(" 2 ").contains("2/2").contains("todo-api-green ?/? (min 1, max 10)");
        assertThat(run.out().lines().filter(l -> l.contains("todo-api-blue")).findFirst().orElseThrow())
                .doesNotStartWith("*").contains(" 1 ").contains("2/2");
    }

    private String image(String deployment) {
        return cluster.existingDeployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private Map<String, String> selector(String service) {
        Service svc = cluster.service(service);
        assertThat(svc).as("service " + service).isNotNull();
        return svc.getSpec().getSelector();
    }
}
