package dev.todokube.bgkube.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
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
