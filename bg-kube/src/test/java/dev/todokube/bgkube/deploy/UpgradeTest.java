package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.MockClusterExtension;
import dev.todokube.bgkube.testing.PriorWrites;
import dev.todokube.bgkube.testing.TestProject;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing over objects that were not written by bg-kube's server-side apply: an earlier bg-kube
 * (create-or-replace: a PUT of the whole object) or a client-side {@code kubectl apply}. Their
 * fields are not the apply's, so without taking them over the new template's {@code preStop.exec}
 * joins the old {@code preStop.sleep} (two handlers: 422 at every publish, and the abort that followed
 * scaled the idle color, the rollback target, to zero) and a removed env entry stays forever. The mock
 * API server keeps managedFields and validates lifecycle handlers as a real one does.
 */
@Timeout(60)
class UpgradeTest {

    private static final String NS = MockCluster.NAMESPACE;

    /** The earlier template: a preStop sleep action and JVM options through JAVA_TOOL_OPTIONS. */
    private static final String BEFORE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: $SERVICE_NAME-$COLOR
              labels: {app: $SERVICE_NAME, color: $COLOR}
            spec:
              replicas: $REPLICAS
              selector:
                matchLabels: {app: $SERVICE_NAME, color: $COLOR}
              template:
                metadata:
                  labels: {app: $SERVICE_NAME, color: $COLOR, role: api}
                spec:
                  containers:
                    - name: $SERVICE_NAME
                      image: ${IMAGE_NAME}:$TAG
                      ports: [{containerPort: 8001, name: grpc}]
                      env:
                        - {name: JAVA_TOOL_OPTIONS, value: "-XX:MaxRAMPercentage=75"}
                        - {name: DB_HOST, value: todo-db}
                      lifecycle:
                        preStop:
                          sleep: {seconds: 5}
            """;

    /** Today's template: the sleep as an exec (the sleep action is alpha on older clusters), the JVM sized by the launcher. */
    private static final String NOW = BEFORE.replace("""
                        - {name: JAVA_TOOL_OPTIONS, value: "-XX:MaxRAMPercentage=75"}
            """, "").replace("""
                          sleep: {seconds: 5}
            """, """
                          exec: {command: ["sleep", "5"]}
            """);

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
        project = new TestProject(dir).writeFile("deployment-before.yaml", BEFORE).writeFile("deployment-now.yaml", NOW);
    }

    @Test
    void aPublishOverObjectsAnEarlierBgKubeReplacedRemovesWhatTheTemplateNoLongerSets() {
        writtenBefore((namespace, object) -> PriorWrites.oldBgKubeApply(client, namespace, object));

        TestProject.Run run = project.set("DEPLOYMENT_CONFIG", project.file("deployment-now.yaml"))
                .run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("took over the fields of deployment todo-api-green that fabric8-kubernetes-client "
                + "wrote: those the template no longer sets go now");
        assertUpgraded("todo-api-green");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
        assertThat(cluster.existingDeployment("todo-api-blue").getSpec().getReplicas()).as("the previous color, intact")
                .isEqualTo(2);
    }

    @Test
    void aPublishOverObjectsAClientSideKubectlApplyWroteRemovesWhatTheTemplateNoLongerSetsAndTheLastApplied() {
        writtenBefore((namespace, object) -> PriorWrites.kubectlClientSideApply(client, namespace, object));
        // A field only a person set by hand (kubectl edit) is theirs, not the template's: it stays.
        client.apps().deployments().inNamespace(NS).withName("todo-api-green").patch(new PatchContext.Builder()
                .withPatchType(PatchType.JSON_MERGE).withFieldManager("kubectl-edit").build(),
                "{\"metadata\":{\"annotations\":{\"team.example/owner\":\"payments\"}}}");

        TestProject.Run run = project.set("DEPLOYMENT_CONFIG", project.file("deployment-now.yaml"))
                .run(cluster, "publish", "--tag", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("took over the fields of deployment todo-api-green that kubectl-client-side-apply");
        assertUpgraded("todo-api-green");
        assertThat(cluster.existingDeployment("todo-api-green").getMetadata().getAnnotations())
                .doesNotContainKey(PriorWrites.LAST_APPLIED).containsEntry("team.example/owner", "payments");
        assertThat(cluster.selector("todo-api")).containsEntry("color", "green");
    }

    /** Blue live at tag 1 and green idle at tag 0, each Deployment, HPA and the public Service written by {@code write}. */
    private void writtenBefore(BiConsumer<String, HasMetadata> write) {
        project.set("DEPLOYMENT_CONFIG", project.file("deployment-before.yaml"));
        for (String[] colorTag : new String[][] {{"green", "0"}, {"blue", "1"}}) {
            TestProject.Run render = project.run(cluster, "render", "--color", colorTag[0], "--tag", colorTag[1]);
            assertThat(render.exitCode()).as(render.err()).isZero();
            List<HasMetadata> objects = client.load(new ByteArrayInputStream(render.out().getBytes(StandardCharsets.UTF_8)))
                    .items();
            objects.stream().filter(o -> List.of("Deployment", "HorizontalPodAutoscaler").contains(o.getKind())
                            || o.getKind().equals("Service") && o.getMetadata().getName().equals("todo-api") && colorTag[0].equals("blue"))
                    .forEach(object -> write.accept(NS, object));
        }
        assertThat(cluster.selector("todo-api")).containsEntry("color", "blue");
    }

    private void assertUpgraded(String deployment) {
        Container container = cluster.existingDeployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getLifecycle().getPreStop().getSleep()).as("the old handler").isNull();
        assertThat(container.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
        assertThat(container.getEnv()).extracting(EnvVar::getName).containsExactly("DB_HOST");
        assertThat(container.getImage()).endsWith(":2");
    }
}
