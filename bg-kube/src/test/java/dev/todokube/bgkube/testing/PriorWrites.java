package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes objects as the tools before bg-kube's server-side apply did, so that a test starts from
 * what they leave in a cluster: their field managers, their managedFields, their annotations.
 */
public final class PriorWrites {

    /** The field manager of a client-side {@code kubectl apply}. */
    public static final String KUBECTL_CLIENT_SIDE_APPLY = "kubectl-client-side-apply";
    /** The annotation in which a client-side {@code kubectl apply} keeps the manifest it applied. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static final String KUBECTL_USER_AGENT = "kubectl/v1.31.0 (linux/amd64) kubernetes/9a4ac1b";

    private PriorWrites() {
    }

    /**
     * As bg-kube applied before it used server-side apply (before commit 7e0ff1d): fabric8's
     * {@code createOr(NonDeletingOperation::update)}, a POST, or a PUT of the whole object when it
     * exists; no field manager is given, so the API server names it after the User-Agent,
     * {@code fabric8-kubernetes-client}, operation Update.
     */
    public static <T extends HasMetadata> T oldBgKubeApply(KubernetesClient client, String namespace, T object) {
        return client.resource(object).inNamespace(namespace).createOr(NonDeletingOperation::update);
    }

    /**
     * As a client-side {@code kubectl apply -f} (kubectl's default before {@code --server-side}):
     * the manifest goes out with {@value #LAST_APPLIED} holding it as JSON, field manager
     * {@value #KUBECTL_CLIENT_SIDE_APPLY}, kubectl's User-Agent; a POST when the object is new, else a three-way patch
     * that sets the manifest's fields and removes those the last applied manifest had and this one
     * has not. kubectl sends that patch as a strategic merge patch (lists merged by key); the mock
     * API server has none, so this sends a JSON merge patch, in which a list is replaced whole.
     */
    public static HasMetadata kubectlClientSideApply(KubernetesClient client, String namespace, HasMetadata object) {
        Map<String, Object> manifest = JsonTree.parseObject(client.getKubernetesSerialization().asJson(object));
        JsonTree.child(manifest, "metadata").remove("namespace");
        Map<String, Object> sent = JsonTree.copyObject(manifest);
        JsonTree.child(JsonTree.child(sent, "metadata"), "annotations").put(LAST_APPLIED, JsonTree.write(manifest) + "\n");
        HasMetadata live = client.resource(object).inNamespace(namespace).get();
        String collection = client.getMasterUrl() + (object.getApiVersion().contains("/") ? "apis/" : "api/")
                + object.getApiVersion() + "/namespaces/" + namespace + "/" + HasMetadata.getPlural(object.getClass());
        String query = "?fieldManager=" + KUBECTL_CLIENT_SIDE_APPLY;
        try (KubernetesClient kubectl = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(KUBECTL_USER_AGENT).build()).build()) {
            HttpRequest.Builder request = kubectl.getHttpClient().newHttpRequestBuilder();
            if (live == null) {
                request.uri(collection + query).post("application/json", JsonTree.write(sent));
            } else {
                Map<String, Object> patch = withRemovals(
                        JsonTree.parseObject(live.getMetadata().getAnnotations().getOrDefault(LAST_APPLIED, "{}")), sent);
                request.uri(collection + "/" + object.getMetadata().getName() + query)
                        .method("PATCH", "application/merge-patch+json", JsonTree.write(patch));
            }
            HttpResponse<String> response = kubectl.getHttpClient().sendAsync(request.build(), String.class)
                    .get(30, TimeUnit.SECONDS);
            if (response.code() >= 300) {
                throw new IllegalStateException("kubectl apply of " + object.getKind() + " " + object.getMetadata().getName()
                        + " got HTTP " + response.code() + ": " + response.body());
            }
            return client.getKubernetesSerialization().unmarshal(response.body(), object.getClass());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kubectl apply of " + object.getKind() + " " + object.getMetadata().getName()
                    + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code next}, plus a null for every field of {@code last} it no longer has (within objects both have). */
    private static Map<String, Object> withRemovals(Map<String, Object> last, Map<String, Object> next) {
        Map<String, Object> patch = new LinkedHashMap<>(next);
        last.forEach((key, value) -> {
            if (!next.containsKey(key)) {
                patch.put(key, null);
            } else if (value instanceof Map<?, ?> && next.get(key) instanceof Map<?, ?>) {
                patch.put(key, withRemovals(JsonTree.asMap(value), JsonTree.asMap(next.get(key))));
            }
        });
        return patch;
    }
}
