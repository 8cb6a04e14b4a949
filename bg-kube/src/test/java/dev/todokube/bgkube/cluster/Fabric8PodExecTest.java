package dev.todokube.bgkube.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The production {@link PodExec} against the exec websocket of a mock API server in expectation
 * mode (the CRUD mode used by the flow tests cannot answer exec).
 */
@Timeout(60)
class Fabric8PodExecTest {

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient();
        Pod pod = new PodBuilder().withNewMetadata().withName("todo-api-green-1").withNamespace("prod").endMetadata()
                .withNewSpec().addNewContainer().withName("todo-api").withImage("todo-api:2").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
        server.expect().get().withPath("/api/v1/namespaces/prod/pods/todo-api-green-1").andReturn(200, pod).always();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void failingCommandReportsItsExitCode() {
        server.expect().withPath("/api/v1/namespaces/prod/pods/todo-api-green-1/exec?command=sh&command=-c&command=exit%203&container=todo-api&stdout=true&stderr=true")
                .andUpgradeToWebSocket().open(new OutputStreamMessage("no migrations table\n"), new StatusStreamMessage(3))
                .done().once();

        PodExec.ExecResult result = new Fabric8PodExec(client).exec("prod", "todo-api-green-1", "todo-api",
                List.of("sh", "-c", "exit 3"), Duration.ofSeconds(20));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).isEqualTo("no migrations table\n");
    }

    @Test
    void returnsTheOutputAndExitCode() {
        server.expect().withPath("/api/v1/namespaces/prod/pods/todo-api-green-1/exec?command=sh&command=-c&command=echo%20status&container=todo-api&stdout=true&stderr=true")
                .andUpgradeToWebSocket().open(new OutputStreamMessage("migration-status-42\n"), new StatusStreamMessage(0))
                .done().once();

        PodExec.ExecResult result = new Fabric8PodExec(client).exec("prod", "todo-api-green-1", "todo-api",
                List.of("sh", "-c", "echo status"), Duration.ofSeconds(20));

        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).isEqualTo("migration-status-42\n");
    }
}
