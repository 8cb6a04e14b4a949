package dev.todokube.bgkube.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.LifecycleHandlerBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * managedFields and server-side apply in the mock API server, checked against what a real API
 * server answers and stores: the FieldsV1 encoding, ownership moving with each write, pruning of
 * what an applier stops applying, conflicts, and the upgrade from writes without server-side apply.
 */
@Timeout(60)
class ManagedFieldsTest {

    /** No simulator runs in this namespace: what the tests write stays as written. */
    private static final String NS = "fields";
    private static final String FABRIC8 = "fabric8-kubernetes-client";

    @RegisterExtension
    static final MockClusterExtension CLUSTER = new MockClusterExtension();

    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void setUp() {
        cluster = CLUSTER.cluster();
        client = cluster.client();
        client.apps().deployments().inNamespace(NS).delete();
        client.configMaps().inNamespace(NS).delete();
        cluster.api().clearRequests();
    }

    @Test
    void aCreateGivesItsWriterEveryFieldItSetNamedAfterItsUserAgentInTheRealEncoding() {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .addToLabels("app", "a").endMetadata().addToData("a", "1").build()).create();

        ManagedFieldsEntry entry = entry(configMap("cm"), FABRIC8);

        assertThat(entry.getOperation()).isEqualTo("Update");
        assertThat(entry.getApiVersion()).isEqualTo("v1");
        assertThat(entry.getFieldsType()).isEqualTo("FieldsV1");
        assertThat(entry.getTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(entry.getSubresource()).isNull();
        assertThat(fields(entry)).isEqualTo("{\"f:data\":{\".\":{},\"f:a\":{}},\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}}}");
    }

    @Test
    void aWriteTakesTheFieldsItChangesFromTheirOwnerAndTheFieldManagerParameterNamesTheWriter() {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata()
                .addToData("a", "1").addToData("b", "1").build()).create();

        client.configMaps().inNamespace(NS).withName("cm").patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
                .withFieldManager("operator").build(), "{\"data\":{\"a\":\"2\",\"c\":\"1\"}}");

        assertThat(fields(entry(configMap("cm"), "operator"))).isEqualTo("{\"f:data\":{\"f:a\":{},\"f:c\":{}}}");
        assertThat(fields(entry(configMap("cm"), FABRIC8))).isEqualTo("{\"f:data\":{\".\":{},\"f:b\":{}}}");
    }

    @Test
    void anApplyIsRecordedAsTheAppliersApplyEntryWithAssociativeListsByTheirKeys() {
        apply(deployment(container("api:1", List.of(env("A", "1")), exec())), true);

        ManagedFieldsEntry entry = entry(deployment(), "bg-kube");

        assertThat(entry.getOperation()).isEqualTo("Apply");
        assertThat(entry.getApiVersion()).isEqualTo("apps/v1");
        assertThat(fields(entry)).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                + "\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},\"f:template\":{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"api\\\"}\":{\".\":{},"
                + "\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}}},"
                + "\"f:image\":{},\"f:lifecycle\":{\"f:preStop\":{\"f:exec\":{\"f:command\":{}}}},\"f:name\":{},"
                + "\"f:ports\":{\"k:{\\\"containerPort\\\":8001,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
                + "\"f:containerPort\":{},\"f:name\":{}}}}}}}}}");
    }

    @Test
    void anApplyRemovesWhatTheSameApplierAppliedBeforeAndNoLongerAppliesUnlessAnotherManagerAppliesItToo() {
        Deployment first = deployment(container("api:1", List.of(env("A", "1"), env("B", "1")), exec()));
        first.getMetadata().setAnnotations(Map.of("keep", "1", "drop", "1", "shared", "1"));
        apply(first, true);
        Deployment other = new DeploymentBuilder().withNewMetadata().withName("api").addToAnnotations("shared", "1")
                .endMetadata().build();
        client.resource(other).inNamespace(NS).fieldManager("operator").forceConflicts().serverSideApply();

        Deployment second = deployment(container("api:1", List.of(env("A", "1")), exec()));
        second.getMetadata().setAnnotations(Map.of("keep", "1"));
        apply(second, true);

        Deployment stored = deployment();
        assertThat(stored.getMetadata().getAnnotations()).containsOnlyKeys("keep", "shared");
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .containsExactly("A");
    }

    @Test
    void aConflictWithAnotherManagerIs409NamingItAndTheFieldAndForceTakesTheField() {
        apply(deployment(container("api:1", List.of(), exec())), true);
        client.apps().deployments().inNamespace(NS).withName("api").patch(new PatchContext.Builder()
                .withPatchType(PatchType.JSON_MERGE).withFieldManager("operator").build(), "{\"spec\":{\"replicas\":5}}");
        String version = deployment().getMetadata().getResourceVersion();

        assertThatThrownBy(() -> apply(deployment(container("api:1", List.of(), exec())), false))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).isEqualTo(
                            "Apply failed with 1 conflict: conflict with \"operator\" using apps/v1: .spec.replicas");
                });
        assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(5);

        apply(deployment(container("api:1", List.of(), exec())), true);

        assertThat(deployment().getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment().getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .doesNotContain("operator");
    }

    @Test
    void anObjectWrittenByTheOldPutThenAppliedWithAnotherPreStopActionIsRefusedAs422WithTwoHandlers() {
        Deployment old = deployment(container("api:1", List.of(env("JAVA_TOOL_OPTIONS", "-Xss512k")), sleep()));
        PriorWrites.oldBgKubeApply(client, NS, old);
        PriorWrites.oldBgKubeApply(client, NS, deployment(container("api:2", List.of(env("JAVA_TOOL_OPTIONS", "-Xss512k")),
                sleep())));
        assertThat(cluster.api().requests(RequestMatcher.method("PUT").path("/deployments/api$"))).hasSize(1);
        String version = deployment().getMetadata().getResourceVersion();

        assertThatThrownBy(() -> apply(deployment(container("api:3", List.of(), exec())), true))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getMessage()).isEqualTo("Deployment.apps \"api\" is invalid: "
                            + "spec.template.spec.containers[0].lifecycle.preStop.sleep: Forbidden: "
                            + "may not specify more than 1 handler type");
                    assertThat(e.getStatus().getDetails().getCauses()).singleElement().satisfies(cause -> {
                        assertThat(cause.getField()).isEqualTo("spec.template.spec.containers[0].lifecycle.preStop.sleep");
                        assertThat(cause.getReason()).isEqualTo("FieldValueForbidden");
                    });
                });

        Deployment unchanged = deployment();
        assertThat(unchanged.getMetadata().getResourceVersion()).as("nothing applied").isEqualTo(version);
        assertThat(unchanged.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("api:2");
    }

    @Test
    void anEnvEntryTheOldPutWroteOutlivesAnApplyThatLeavesItOutForThePutsManagerOwnsIt() {
        PriorWrites.oldBgKubeApply(client, NS, deployment(container("api:1",
                List.of(env("JAVA_TOOL_OPTIONS", "-Xss512k"), env("SERVER_PORT", "8001")), exec())));

        apply(deployment(container("api:2", List.of(env("SERVER_PORT", "8001")), exec())), true);

        Deployment stored = deployment();
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("api:2");
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .containsExactly("JAVA_TOOL_OPTIONS", "SERVER_PORT");
        assertThat(fields(entry(stored, FABRIC8))).contains("\"k:{\\\"name\\\":\\\"JAVA_TOOL_OPTIONS\\\"}\"")
                .doesNotContain("f:image");
    }

    @Test
    void managedFieldsAWriteSetsAreStoredAsGivenWithoutAnEntryForThatWriteSoTheNextApplyPrunesWhatItTookOver() {
        PriorWrites.oldBgKubeApply(client, NS, deployment(container("api:1", List.of(env("JAVA_TOOL_OPTIONS", "-Xss512k")),
                sleep())));
        Deployment live = deployment();
        // What kubectl's client-side to server-side upgrade does: the old writer's entry becomes the applier's Apply entry.
        List<Map<String, Object>> takenOver = new ArrayList<>();
        for (ManagedFieldsEntry entry : live.getMetadata().getManagedFields()) {
            Map<String, Object> converted = new LinkedHashMap<>(serialization().unmarshal(serialization().asJson(entry), Map.class));
            if (FABRIC8.equals(entry.getManager())) {
                converted.put("manager", "bg-kube");
                converted.put("operation", "Apply");
            }
            takenOver.add(converted);
        }
        String patch = serialization().asJson(List.of(
                Map.of("op", "test", "path", "/metadata/resourceVersion", "value", live.getMetadata().getResourceVersion()),
                Map.of("op", "replace", "path", "/metadata/managedFields", "value", takenOver)));
        client.apps().deployments().inNamespace(NS).withName("api").patch(PatchContext.of(PatchType.JSON), patch);

        assertThat(serialization().asJson(deployment().getMetadata().getManagedFields()))
                .isEqualTo(serialization().asJson(takenOver));

        apply(deployment(container("api:2", List.of(), exec())), true);

        Deployment upgraded = deployment();
        var container = upgraded.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getLifecycle().getPreStop().getSleep()).isNull();
        assertThat(container.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
        assertThat(container.getEnv()).isEmpty();
        assertThat(upgraded.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly("bg-kube");
    }

    @Test
    void oneEmptyEntryClearsManagedFieldsButAnEmptyListKeepsThem() {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata()
                .addToData("a", "1").build()).create();
        var merge = PatchContext.of(PatchType.JSON_MERGE);

        client.configMaps().inNamespace(NS).withName("cm").patch(merge, "{\"metadata\":{\"managedFields\":[]}}");
        assertThat(configMap("cm").getMetadata().getManagedFields()).hasSize(1);

        client.configMaps().inNamespace(NS).withName("cm").patch(merge, "{\"metadata\":{\"managedFields\":[{}]}}");
        assertThat(configMap("cm").getMetadata().getManagedFields()).isEmpty();
    }

    @Test
    void anApplyThatSetsManagedFieldsIsABadRequest() {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata()
                .build()).create();
        String apply = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"managedFields\":[]}}";

        assertThatThrownBy(() -> client.configMaps().inNamespace(NS).withName("cm")
                .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("x").build(), apply))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getStatus().getMessage()).isEqualTo("metadata.managedFields must be nil");
                });
    }

    @Test
    void aClientSideKubectlApplyLeavesItsManagerAndTheLastAppliedAnnotation() {
        Deployment applied = (Deployment) PriorWrites.kubectlClientSideApply(client, NS,
                deployment(container("api:1", List.of(), exec())));

        assertThat(applied.getMetadata().getAnnotations().get(PriorWrites.LAST_APPLIED))
                .contains("\"image\":\"api:1\"").doesNotContain(PriorWrites.LAST_APPLIED);
        ManagedFieldsEntry entry = entry(deployment(), PriorWrites.KUBECTL_CLIENT_SIDE_APPLY);
        assertThat(entry.getOperation()).isEqualTo("Update");
        assertThat(fields(entry)).contains("\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}");
        assertThat(cluster.api().requests(RequestMatcher.method("POST").path("/deployments$"))).singleElement()
                .satisfies(post -> assertThat(post.userAgent()).startsWith("kubectl/"));

        PriorWrites.kubectlClientSideApply(client, NS, deployment(container("api:2", List.of(), exec())));

        assertThat(deployment().getMetadata().getAnnotations().get(PriorWrites.LAST_APPLIED)).contains("\"image\":\"api:2\"");
        assertThat(deployment().getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly(PriorWrites.KUBECTL_CLIENT_SIDE_APPLY);
    }

    private void apply(Deployment deployment, boolean force) {
        var resource = client.resource(deployment).inNamespace(NS).fieldManager("bg-kube");
        if (force) {
            resource.forceConflicts().serverSideApply();
        } else {
            resource.serverSideApply();
        }
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(NS).withName("api").get();
    }

    private ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }

    private static Deployment deployment(io.fabric8.kubernetes.api.model.Container container) {
        return new DeploymentBuilder().withNewMetadata().withName("api").addToLabels("app", "api").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addToContainers(container).endSpec().endTemplate().endSpec().build();
    }

    private static io.fabric8.kubernetes.api.model.Container container(String image, List<EnvVar> env, LifecycleHandler preStop) {
        return new ContainerBuilder().withName("api").withImage(image).addNewPort().withContainerPort(8001).withName("grpc")
                .endPort().withEnv(env).withNewLifecycle().withPreStop(preStop).endLifecycle().build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVar(name, value, null);
    }

    private static LifecycleHandler exec() {
        return new LifecycleHandlerBuilder().withNewExec().withCommand("sleep", "5").endExec().build();
    }

    private static LifecycleHandler sleep() {
        return new LifecycleHandlerBuilder().withNewSleep().withSeconds(5L).endSleep().build();
    }

    private ManagedFieldsEntry entry(HasMetadata object, String manager) {
        return object.getMetadata().getManagedFields().stream().filter(e -> manager.equals(e.getManager())).findFirst()
                .orElseThrow(() -> new AssertionError("no managedFields entry of " + manager + " in "
                        + serialization().asJson(object.getMetadata().getManagedFields())));
    }

    private String fields(ManagedFieldsEntry entry) {
        return serialization().asJson(entry.getFieldsV1());
    }

    private io.fabric8.kubernetes.client.utils.KubernetesSerialization serialization() {
        return client.getKubernetesSerialization();
    }
}
