package dev.todokube.bgkube.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.OutputStream;
import java.net.Socket;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The production {@link PortForwarder}: which pod and which pod port it forwards to. The mock
 * server cannot carry the forwarded bytes, but the port-forward request it receives names both.
 */
@Timeout(60)
class Fabric8PortForwarderTest {

    private static final String NS = "prod";
    private static KubernetesMockServer server;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.resource(new ServiceBuilder().withNewMetadata().withName("todo-api-smoke").endMetadata()
                .withNewSpec().addToSelector("color", "green")
                .addNewPort().withPort(80).withTargetPort(new IntOrString("grpc")).endPort()
                .addNewPort().withPort(81).withTargetPort(new IntOrString(9090)).endPort()
                .endSpec().build()).inNamespace(NS).create();
        pod("todo-api-green-b", "True");
        pod("todo-api-green-a", "False");
    }

    private static void pod(String name, String ready) {
        client.resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("color", "green").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("todo-api:2")
                .addNewPort().withName("grpc").withContainerPort(8123).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus(ready).endCondition()
                .endStatus().build()).inNamespace(NS).create();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void forwardsToTheNamedContainerPortOfAReadyPod() throws Exception {
        assertThat(forwardedPath(80)).isEqualTo("/api/v1/namespaces/prod/pods/todo-api-green-b/portforward?ports=8123");
    }

    @Test
    void numericTargetPortIsUsedAsIs() throws Exception {
        assertThat(forwardedPath(81)).isEqualTo("/api/v1/namespaces/prod/pods/todo-api-green-b/portforward?ports=9090");
    }

    @Test
    void forwardsToTheGivenPortOfTheGivenPod() throws Exception {
        assertThat(forwardedPath(new Fabric8PortForwarder(client).openPod(NS, "todo-api-green-a", 9090)))
                .isEqualTo("/api/v1/namespaces/prod/pods/todo-api-green-a/portforward?ports=9090");
    }

    @Test
    void unknownServicePortIsAnError() {
        assertThatThrownBy(() -> new Fabric8PortForwarder(client).open(NS, "todo-api-smoke", 8001))
                .isInstanceOf(ClusterException.class).hasMessage("service todo-api-smoke has no port 8001");
    }

    /** Opens a tunnel, connects through it, and returns the port-forward request the API server got. */
    private static String forwardedPath(int servicePort) throws Exception {
        return forwardedPath(new Fabric8PortForwarder(client).open(NS, "todo-api-smoke", servicePort));
    }

    private static String forwardedPath(PortForwarder.Tunnel opened) throws Exception {
        try (PortForwarder.Tunnel tunnel = opened) {
            assertThat(tunnel.address()).startsWith("127.0.0.1:");
            int localPort = Integer.parseInt(tunnel.address().substring("127.0.0.1:".length()));
            try (Socket socket = new Socket("127.0.0.1", localPort); OutputStream out = socket.getOutputStream()) {
                out.write(1);
                out.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
                    if (request != null && request.getPath().contains("/portforward")) {
                        return request.getPath();
                    }
                }
            }
        }
        throw new AssertionError("no port-forward request reached the API server");
    }
}
