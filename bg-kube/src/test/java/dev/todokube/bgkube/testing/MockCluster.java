package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One fabric8 mock API server in CRUD mode (it stores what is created and answers gets, lists,
 * updates, patches, watches and, through {@link ServerSideApplyDispatcher}, server-side applies) plus a {@link ClusterSimulator} playing the controllers' part. Start-up
 * costs seconds, so a test class shares one and calls {@link #reset()} between tests.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "bgkube-test";

    private final KubernetesMockServer server;
    private final ServerSideApplyDispatcher dispatcher = new ServerSideApplyDispatcher();
    private final KubernetesClient client;
    private final ClusterSimulator simulator;

    public MockCluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        client = server.createClient();
        simulator = new ClusterSimulator(client, NAMESPACE);
    }

    public KubernetesClient client() {
        return client;
    }

    /** A new client of the mock server, for code that closes its client when done. */
    public KubernetesClient newClient() {
        return server.createClient();
    }

    /** A client of an API server that is not there (nothing listens on port 1), as for an unreachable cluster. */
    public static KubernetesClient unreachableClient() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1")
                .withConnectionTimeout(2_000).withRequestTimeout(2_000).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Request paths of the server-side applies the API server received (with fieldManager and force), in order. */
    public List<String> serverSideApplies() {
        return dispatcher.applies();
    }

    /** The named Deployment in the test namespace; null when there is none. */
    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    }

    /** The named Deployment, which the test expects to exist. */
    public Deployment existingDeployment(String name) {
        Deployment deployment = deployment(name);
        if (deployment == null) {
            throw new AssertionError("expected deployment " + name + " in namespace " + NAMESPACE + ", found none");
        }
        return deployment;
    }

    /** The named HorizontalPodAutoscaler in the test namespace; null when there is none. */
    public HorizontalPodAutoscaler hpa(String name) {
        return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).withName(name).get();
    }

    /** The named Service in the test namespace; null when there is none. */
    public Service service(String name) {
        return client.services().inNamespace(NAMESPACE).withName(name).get();
    }

    /** The selector of the named Service: which color the public Service sends traffic to. */
    public Map<String, String> selector(String service) {
        return service(service).getSpec().getSelector();
    }

    public ClusterSimulator simulator() {
        return simulator;
    }

    /** Deletes every object the tests use and restores the simulator's default behaviour. */
    public void reset() {
        simulator.pause();
        client.apps().deployments().inNamespace(NAMESPACE).delete();
        client.batch().v1().jobs().inNamespace(NAMESPACE).delete();
        client.services().inNamespace(NAMESPACE).delete();
        client.pods().inNamespace(NAMESPACE).delete();
        client.v1().events().inNamespace(NAMESPACE).delete();
        client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).delete();
        client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).delete();
        client.configMaps().inNamespace(NAMESPACE).delete();
        client.leases().inNamespace(NAMESPACE).delete();
        simulator.resetBehaviour();
        dispatcher.clearApplies();
        simulator.resume();
    }

    @Override
    public void close() {
        simulator.close();
        client.close();
        server.destroy();
    }
}
