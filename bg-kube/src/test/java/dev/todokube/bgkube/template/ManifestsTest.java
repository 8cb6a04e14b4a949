package dev.todokube.bgkube.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestsTest {

    private static final String TWO_DOCUMENTS = """
        # leading comment
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: $NAME-$COLOR
        spec:
          replicas: 2
          selector: {matchLabels: {color: $COLOR}}
          template:
            metadata: {labels: {color: $COLOR}}
            spec:
              containers: [{name: app, image: "img:$TAG"}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: $NAME}
        spec:
          selector: {color: $COLOR}
        ---
        """;

    @Test
    void parsesMultiDocumentYamlIntoTypedObjects() {
        RenderedManifest manifest = Manifests.render(Template.of("m.yaml", TWO_DOCUMENTS),
                Map.of("NAME", "todo-api", "COLOR", "green", "TAG", "42"));
        assertThat(manifest.objects()).hasSize(2);
        Deployment deployment = manifest.single(Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo("todo-api-green");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("img:42");
        assertThat(manifest.single(Service.class).getSpec().getSelector()).containsEntry("color", "green");
    }

    @Test
    void wrongFieldTypeFailsWithTheDocumentsLine() {
        String text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\n"
                + "metadata: {name: b}\nspec: {replicas: many}\n";
        assertThatThrownBy(() -> Manifests.render(Template.of("bad.yaml", text), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bad.yaml (document starting at line 5)");
    }

    @Test
    void unknownKindIsRejected() {
        String text = "apiVersion: app/v1\nkind: Deployment\nmetadata: {name: b}\n";
        assertThatThrownBy(() -> Manifests.render(Template.of("typo.yaml", text), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("typo.yaml")
                .hasMessageContaining("unknown kind Deployment in apiVersion app/v1");
    }

    @Test
    void unknownFieldOfAKnownKindNamesTheFileTheFieldAndTheLine() {
        String text = """
            apiVersion: v1
            kind: Service
            metadata: {name: a}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: b}
            spec:
              selector: {matchLabels: {app: b}}
              template:
                metadata: {labels: {app: b}}
                spec:
                  containers:
                    - name: app
                      image: img
                      livenessProbe:
                        grpc: {port: 8001, servce: liveness}
            """;

        assertThatThrownBy(() -> Manifests.render(Template.of("probe.yaml", text), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("probe.yaml: line 17: unknown field spec.template.spec.containers[0].livenessProbe.grpc.servce "
                        + "in Deployment (a typo? it would be dropped or rejected by the API server)");
    }

    @Test
    void documentsAreSplitByAYamlReaderNotByLinesThatReadDashes() {
        String text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: scripts}
            data:
              notes.md: |
                title
                ---
                body
            --- # a separator with a comment
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            """;

        RenderedManifest manifest = Manifests.render(Template.of("multi.yaml", text), Map.of());

        assertThat(manifest.objects()).hasSize(2);
        assertThat(manifest.single(ConfigMap.class).getData().get("notes.md")).isEqualTo("title\n---\nbody\n");
        assertThat(manifest.single(Service.class).getMetadata().getName()).isEqualTo("svc");
    }

    @Test
    void customResourcesAreKeptAsGenericObjects() {
        String text = """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: todo-api}
            spec:
              selector: {matchLabels: {app: todo-api}}
              endpoints: [{port: metrics, interval: 15s}]
            """;

        RenderedManifest manifest = Manifests.render(Template.of("monitor.yaml", text), Map.of());

        assertThat(manifest.objects()).singleElement().isInstanceOfSatisfying(GenericKubernetesResource.class,
                monitor -> assertThat(monitor.getKind() + " " + monitor.getMetadata().getName()).isEqualTo("ServiceMonitor todo-api"));
    }

    @Test
    void invalidYamlNamesItsLine() {
        String text = "apiVersion: v1\nkind: Service\nmetadata: {name: a\nspec: {}\n";

        assertThatThrownBy(() -> Manifests.render(Template.of("broken.yaml", text), Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("broken.yaml: line ").hasMessageContaining("not valid YAML");
    }

    @Test
    void objectWithoutNameIsRejected() {
        assertThatThrownBy(() -> Manifests.render(Template.of("x.yaml", "apiVersion: v1\nkind: Service\nspec: {}\n"), Map.of()))
                .hasMessageContaining("Service has no metadata.name");
    }

    @Test
    void emptyFileIsRejected() {
        assertThatThrownBy(() -> Manifests.render(Template.of("e.yaml", "# nothing\n---\n"), Map.of()))
                .hasMessageContaining("no Kubernetes object");
    }
}
