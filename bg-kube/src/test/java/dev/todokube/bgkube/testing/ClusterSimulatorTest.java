package dev.todokube.bgkube.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The simulated controllers' faults: crash loops, a deleted pod replaced, the HPA scaling, status following the pods. */
@Timeout(60)
class ClusterSimulatorTest {

    private static final String NS = MockCluster.NAMESPACE;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    private MockCluster cluster;
    private KubernetesClient client;
    private ClusterSimulator simulator;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        client = cluster.client();
        simulator = cluster.simulator();
    }

    private void createDeployment(String namespace, int replicas) {
        client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName("api").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("api:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    /** Waits until the Deployment's status satisfies the condition; fails with the last status seen. */
    private Deployment awaitStatus(String namespace, String what, Predicate<Deployment> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Deployment d = null;
        while (System.nanoTime() < deadline) {
            d = client.apps().deployments().inNamespace(namespace).withName("api").get();
            if (d != null && d.getStatus() != null && condition.test(d)) {
                return d;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("deployment api never had " + what + "; last status: " + (d == null ? "none" : d.getStatus()));
    }

    private static Predicate<Deployment> ready(int replicas) {
        return d -> d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() == replicas
                && d.getStatus().getReplicas() == replicas && d.getStatus().getAvailableReplicas() == replicas;
    }

    @Test
    void podsCrashLoopWhenTheTestSaysSoAndTheDeploymentStatusFollows() throws Exception {
        createDeployment(NS, 2);
        awaitStatus(NS, "2 ready replicas", ready(2));

        simulator.crashLoop("api", ClusterSimulator.Termination.OOM_KILLED);

        Deployment crashed = awaitStatus(NS, "no ready replica", d -> d.getStatus().getReadyReplicas() == 0);
        assertThat(crashed.getStatus().getAvailableReplicas()).isZero();
        assertThat(crashed.getStatus().getUnavailableReplicas()).isEqualTo(2);
        List<Pod> pods = simulator.pods("api");
        assertThat(pods).hasSize(2).allSatisfy(pod -> {
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            assertThat(pod.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("False");
            });
            ContainerStatus container = pod.getStatus().getContainerStatuses().get(0);
            assertThat(container.getReady()).isFalse();
            assertThat(container.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
            assertThat(container.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
            assertThat(container.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        });
        int restarts = pods.get(0).getStatus().getContainerStatuses().get(0).getRestartCount();
        String name = pods.get(0).getMetadata().getName();
        awaitPod(name, pod -> pod.getStatus().getContainerStatuses().get(0).getRestartCount() > restarts);
    }

    @Test
    void podsThatCrashLoopAfterADelayAreReadyFirst() throws Exception {
        simulator.crashLoopAfter("api", Duration.ofSeconds(1), ClusterSimulator.Termination.ERROR);
        createDeployment(NS, 1);

        awaitStatus(NS, "no ready replica", d -> d.getStatus().getReadyReplicas() != null
                && d.getStatus().getReadyReplicas() == 0 && d.getStatus().getReplicas() == 1);

        // The status writes the simulator made, in order: ready first, then not.
        List<Integer> ready = cluster.api().requests(RequestMatcher.method("PUT").path("/deployments/api/status$")
                        .includingControllers()).stream()
                .map(put -> client.getKubernetesSerialization().unmarshal(put.body().orElseThrow(), Deployment.class))
                .map(d -> d.getStatus().getReadyReplicas()).toList();
        assertThat(ready).containsSubsequence(1, 0);
        ContainerStatus container = simulator.pods("api").get(0).getStatus().getContainerStatuses().get(0);
        assertThat(container.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(container.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    }

    @Test
    void aDeletedPodIsReplacedByOneWithANewName() throws Exception {
        createDeployment(NS, 2);
        awaitStatus(NS, "2 ready replicas", ready(2));
        List<String> before = simulator.pods("api").stream().map(p -> p.getMetadata().getName()).toList();

        String deleted = simulator.deletePod("api");

        assertThat(before).contains(deleted);
        awaitStatus(NS, "2 ready replicas again, one of them new", d -> {
            List<String> pods = simulator.pods("api").stream().map(p -> p.getMetadata().getName()).toList();
            return pods.size() == 2 && !pods.contains(deleted) && ready(2).test(d);
        });
        List<String> after = simulator.pods("api").stream().map(p -> p.getMetadata().getName()).toList();
        assertThat(after).hasSize(2).doesNotContain(deleted).containsAnyElementsOf(before);
        assertThat(after).allMatch(name -> name.matches("api-[b-z2-9]{10}-[b-z2-9]{5}"));
    }

    @Test
    void theAutoscalerScalesThroughTheScaleSubresourceAsKubeControllerManagerAndTheStatusFollows() throws Exception {
        createDeployment(NS, 2);
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).resource(new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("api").endMetadata().withNewSpec().withMinReplicas(2).withMaxReplicas(5)
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("api").endScaleTargetRef()
                .endSpec().build()).create();
        awaitStatus(NS, "2 ready replicas", ready(2));
        List<String> before = simulator.pods("api").stream().map(p -> p.getMetadata().getName()).toList();

        simulator.autoscale("api", 3);

        Deployment scaled = awaitStatus(NS, "3 ready replicas", ready(3));
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        assertThat(simulator.pods("api")).extracting(p -> p.getMetadata().getName()).containsAll(before);
        ManagedFieldsEntry scale = scaled.getMetadata().getManagedFields().stream()
                .filter(e -> "scale".equals(e.getSubresource())).findFirst().orElseThrow();
        assertThat(scale.getManager()).isEqualTo("kube-controller-manager");
        assertThat(scale.getOperation()).isEqualTo("Update");
        assertThat(client.getKubernetesSerialization().asJson(scale.getFieldsV1())).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(cluster.api().requests(RequestMatcher.method("PUT").path("/deployments/api/scale$").includingControllers()))
                .singleElement().satisfies(put -> assertThat(put.fromController()).isTrue());
        var hpa = cluster.hpa("api").getStatus();
        assertThat(hpa.getCurrentReplicas()).isEqualTo(3);
        assertThat(hpa.getDesiredReplicas()).isEqualTo(3);
    }

    @Test
    void eachNamespaceHasItsOwnSimulatorAndResetsAlone() throws Exception {
        MockCluster.Namespace other = cluster.namespace("parallel-case");
        createDeployment(other.name(), 1);
        createDeployment(NS, 1);
        other.simulator().crashLoop("api", ClusterSimulator.Termination.ERROR);

        awaitStatus(other.name(), "no ready replica", d -> d.getStatus().getReadyReplicas() == 0
                && d.getStatus().getReplicas() == 1);
        awaitStatus(NS, "1 ready replica", ready(1));

        other.reset();

        assertThat(other.deployment("api")).isNull();
        assertThat(cluster.deployment("api")).isNotNull();
    }

    private void awaitPod(String name, Predicate<Pod> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Pod pod = null;
        while (System.nanoTime() < deadline) {
            pod = client.pods().inNamespace(NS).withName(name).get();
            if (pod != null && condition.test(pod)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("pod " + name + " never reached the state awaited; last: " + (pod == null ? "gone" : pod.getStatus()));
    }
}
