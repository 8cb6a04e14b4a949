package dev.todokube.bgkube.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.testing.FixedPortForwarder;
import dev.todokube.bgkube.testing.LocalPodExec;
import dev.todokube.bgkube.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KubeClusterTest {

    private static MockCluster mock;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private KubeCluster cluster;

    @BeforeAll
    static void start() {
        mock = new MockCluster();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void setUp() {
        mock.reset();
        cluster = new KubeCluster(mock.client(), MockCluster.NAMESPACE, new LocalPodExec(),
                new FixedPortForwarder("127.0.0.1:1"), log::add, Duration.ofMillis(100), Duration.ofSeconds(2),
                Clock.systemUTC());
    }

    @Test
    void applyIsAServerSideApplyByBgKubeThatKeepsWhatOthersSet() {
        Map<String, String> blue = Map.of("app", "todo-api", "color", "blue");
        cluster.apply(service("todo-api", blue));
        // Another controller, under its own field manager, adds an annotation (a merge patch: no
        // resourceVersion to race the simulator's status update with); the template does not mention it.
        mock.client().services().inNamespace(MockCluster.NAMESPACE).withName("todo-api").patch(
                new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("mesh-injector").build(),
                "{\"metadata\":{\"annotations\":{\"mesh.example/injected\":\"true\"}}}");

        cluster.apply(service("todo-api", Map.of("app", "todo-api", "color", "green")));

        Service applied = mock.client().services().inNamespace(MockCluster.NAMESPACE).withName("todo-api").get();
        assertThat(applied.getSpec().getSelector()).containsEntry("color", "green");
        assertThat(applied.getMetadata().getAnnotations()).containsEntry("mesh.example/injected", "true");
        assertThat(mock.serverSideApplies()).hasSize(2).allSatisfy(path -> assertThat(path)
                .startsWith("/api/v1/namespaces/" + MockCluster.NAMESPACE + "/services/todo-api?")
                .contains("fieldManager=bg-kube").contains("force=true"));
    }

    @Test
    void selectorTimeoutSaysWhatTheServiceSelects() {
        cluster.apply(service("todo-api", Map.of("app", "todo-api", "color", "blue")));

        assertThatThrownBy(() -> cluster.awaitSelector("todo-api", Map.of("color", "green"), Duration.ofSeconds(1)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("timed out after 1s waiting for service todo-api to select {color=green}")
                .hasMessageContaining("selects {app=todo-api, color=blue}");
        assertThat(log).anyMatch(line -> line.matches(
                "waiting for service todo-api to select \\{color=green\\}: selects \\{.*\\} \\(\\d+s of 1s\\)"));
    }

    @Test
    void missingDeploymentTimesOutAsNotFound() {
        assertThatThrownBy(() -> cluster.awaitDeployment("ghost", Optional.of("1"), Duration.ofMillis(300)))
                .isInstanceOf(ClusterException.class)
                .hasMessage("timed out after 0s waiting for deployment ghost (not found): the deployment does not exist");
    }

    @Test
    void diagnosisReportsCrashLoopsWithRestartsAndLastExit() {
        Pod pod = new PodBuilder().withNewMetadata().withName("todo-api-blue-x").endMetadata()
                .withNewStatus().withPhase("Running")
                .addToContainerStatuses(new ContainerStatusBuilder().withName("todo-api").withReady(false).withRestartCount(4)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 40s restarting failed container").endWaiting().endState()
                        .withNewLastState().withNewTerminated().withReason("Error").withExitCode(2).endTerminated().endLastState()
                        .build())
                .endStatus().build();

        assertThat(Diagnosis.of(List.of(pod), List.of())).isEqualTo("pod todo-api-blue-x: container todo-api waiting: "
                + "CrashLoopBackOff (back-off 40s restarting failed container), 4 restarts, last exit: Error (code 2)");
    }

    @Test
    void diagnosisReportsUnschedulablePods() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition()
                .endStatus().build();

        assertThat(Diagnosis.of(List.of(pod), List.of()))
                .isEqualTo("pod p: not scheduled: Unschedulable (0/3 nodes are available: 3 Insufficient memory.)");
    }

    @Test
    void clusterIpServiceIsReachedThroughAPortForwardAtOnce() {
        Service service = service("smoke", Map.of("color", "green"));
        service.getSpec().setType("ClusterIP");
        cluster.apply(service);

        try (PortForwarder.Tunnel tunnel = cluster.reach("smoke", Duration.ofSeconds(30))) {
            assertThat(tunnel.address()).isEqualTo("127.0.0.1:1");
        }
        assertThat(log).noneMatch(line -> line.startsWith("waiting for"));
    }

    private static Service service(String name, Map<String, String> selector) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withType("LoadBalancer").withSelector(selector).addNewPort().withPort(8001).endPort().endSpec()
                .build();
    }
}
