package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A mock Kubernetes cluster: an API server on a real port ({@link MockApiServer}: fabric8's CRUD
 * store behind the API server's write path, managedFields and server-side apply included, with a
 * request log, fault injection and outages) plus a {@link ClusterSimulator} per namespace playing
 * the controllers' part. Start-up costs a second, so a test class shares one and calls
 * {@link #reset()} between tests; cases running in parallel each take their own namespace
 * ({@link #namespace(String)}).
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "bgkube-test";

    /**
     * One serialization for every client of this cluster, as a bg-kube process has one: a client of
     * its own would build Jackson's deserializers for the fabric8 model again on each in-process run
     * (a fifth of the test JVM's CPU before it was shared). Jackson's mapper is thread-safe once configured.
     */
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final Clock clock = Clock.systemUTC();
    private final ApiServerDispatcher dispatcher = new ApiServerDispatcher(clock);
    private final MockApiServer api;
    private final KubernetesClient client;
    private final KubernetesClient controllers;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

    public MockCluster() {
        api = MockApiServer.start(dispatcher, clock);
        client = clientBuilder().withConfig(config()).build();
        // The controllers give up on a failed request at once (the next pass tries again), so an
        // outage does not leave them stuck in retries.
        controllers = clientBuilder().withConfig(new ConfigBuilder(config())
                .withUserAgent(ClusterSimulator.USER_AGENT).withRequestRetryBackoffLimit(0).build()).build();
        namespace(NAMESPACE);
    }

    /** The API server: its request log, fault injection, outages. */
    public MockApiServer api() {
        return api;
    }

    public KubernetesClient client() {
        return client;
    }

    /**
     * A new client of the mock server, for code that closes its client when done (bg-kube's runs):
     * configured as bg-kube's production client for a publish is, without fabric8's own retries (bg-kube
     * repeats what the API server did not answer itself), and with a 2 s request timeout, so an answer
     * held back longer is a timeout to it.
     */
    public KubernetesClient newClient() {
        return clientBuilder().withConfig(new ConfigBuilder(config()).withRequestRetryBackoffLimit(0)
                .withRequestTimeout(2_000).build()).build();
    }

    /** A client of an API server that is not there (nothing listens on port 1), as for an unreachable cluster. */
    public static KubernetesClient unreachableClient() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1")
                .withConnectionTimeout(2_000).withRequestTimeout(2_000).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private KubernetesClientBuilder clientBuilder() {
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization);
    }

    private Config config() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withNamespace("test").withHttp2Disable(true)
                .withUsername("mock-user").withOauthToken("secret").build();
    }

    /**
     * Writes a kubeconfig for this cluster (its one context selecting {@code namespace}), for a
     * bg-kube process that connects as users do: {@code KUBECONFIG=<file>}.
     */
    public Path writeKubeconfig(Path file, String namespace) {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s"}
                users:
                  - name: mock-user
                    user: {token: secret}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: mock-user, namespace: "%s"}
                current-context: mock
                """.formatted(api.url(), namespace);
        try {
            return Files.writeString(file, kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Request paths (with query: fieldManager, force) of the server-side applies the API server received, in order. */
    public List<String> serverSideApplies() {
        return api.requests(RequestMatcher.method("PATCH")).stream()
                .filter(r -> r.contentType().startsWith("application/apply-patch"))
                .map(r -> r.path() + "?" + r.query()).toList();
    }

    /** One namespace of the cluster: its objects and its simulator. */
    public Namespace namespace(String name) {
        return namespaces.computeIfAbsent(name, n -> new Namespace(n, new ClusterSimulator(controllers, n, clock)));
    }

    /** Looks up objects of one namespace, resets it and gives its simulator. */
    public final class Namespace {
        private final String name;
        private final ClusterSimulator simulator;

        private Namespace(String name, ClusterSimulator simulator) {
            this.name = name;
            this.simulator = simulator;
        }

        public String name() {
            return name;
        }

        public ClusterSimulator simulator() {
            return simulator;
        }

        /** The named Deployment; null when there is none. */
        public Deployment deployment(String deployment) {
            return client.apps().deployments().inNamespace(name).withName(deployment).get();
        }

        /** The named Deployment, which the test expects to exist. */
        public Deployment existingDeployment(String deployment) {
            Deployment found = deployment(deployment);
            if (found == null) {
                throw new AssertionError("expected deployment " + deployment + " in namespace " + name + ", found none");
            }
            return found;
        }

        /** The named HorizontalPodAutoscaler; null when there is none. */
        public HorizontalPodAutoscaler hpa(String hpa) {
            return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(name).withName(hpa).get();
        }

        /** The named Service; null when there is none. */
        public Service service(String service) {
            return client.services().inNamespace(name).withName(service).get();
        }

        /** The selector of the named Service: which color the public Service sends traffic to. */
        public Map<String, String> selector(String service) {
            return service(service).getSpec().getSelector();
        }

        /** Deletes every object the tests use and restores the simulator's default behaviour. */
        public void reset() {
            simulator.pause();
            deleteObjects();
            simulator.resetBehaviour();
            simulator.resume();
        }

        /**
         * Stops the namespace's simulator and deletes its objects: a test done with its namespace
         * leaves nothing polling the API server and nothing for other namespaces' lists to scan.
         */
        public void close() {
            simulator.close();
            namespaces.remove(name, this);
            deleteObjects();
        }

        private void deleteObjects() {
            client.apps().deployments().inNamespace(name).delete();
            client.batch().v1().jobs().inNamespace(name).delete();
            client.services().inNamespace(name).delete();
            client.pods().inNamespace(name).delete();
            client.v1().events().inNamespace(name).delete();
            client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(name).delete();
            client.policy().v1().podDisruptionBudget().inNamespace(name).delete();
            client.configMaps().inNamespace(name).delete();
            client.leases().inNamespace(name).delete();
        }
    }

    /** The named Deployment in the test namespace; null when there is none. */
    public Deployment deployment(String name) {
        return namespace(NAMESPACE).deployment(name);
    }

    /** The named Deployment, which the test expects to exist. */
    public Deployment existingDeployment(String name) {
        return namespace(NAMESPACE).existingDeployment(name);
    }

    /** The named HorizontalPodAutoscaler in the test namespace; null when there is none. */
    public HorizontalPodAutoscaler hpa(String name) {
        return namespace(NAMESPACE).hpa(name);
    }

    /** The named Service in the test namespace; null when there is none. */
    public Service service(String name) {
        return namespace(NAMESPACE).service(name);
    }

    /** The selector of the named Service: which color the public Service sends traffic to. */
    public Map<String, String> selector(String service) {
        return namespace(NAMESPACE).selector(service);
    }

    public ClusterSimulator simulator() {
        return namespace(NAMESPACE).simulator();
    }

    /**
     * Ends any outage, removes every fault (abandoning held requests), forgets the request log,
     * then empties the test namespace and restores its
     * simulator's default behaviour.
     */
    public void reset() {
        api.clearFaults();
        api.start();
        namespace(NAMESPACE).reset();
        api.clearRequests();
    }

    @Override
    public void close() {
        namespaces.values().forEach(ns -> ns.simulator().close());
        controllers.close();
        client.close();
        api.close();
    }
}
