package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a template and parses the multi-document YAML into fabric8's typed objects, so a
 * malformed manifest fails before anything is built or the cluster is touched.
 */
public final class Manifests {

    private static final int MAX_EXPLANATION = 300;
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {}

    /** Renders and parses; every document must be a known kind with a name. */
    public static RenderedManifest render(Template template, Map<String, String> variables) {
        String text = TemplateRenderer.render(template, variables);
        return new RenderedManifest(template.source(), text, parse(template.source(), text));
    }

    static List<HasMetadata> parse(String source, String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        int documentStart = 1;
        int line = 1;
        StringBuilder document = new StringBuilder();
        for (String row : yaml.split("\n", -1)) {
            if (row.strip().equals("---") || row.startsWith("--- ")) {
                parseDocument(source, documentStart, document.toString(), objects);
                document.setLength(0);
                documentStart = line + 1;
            } else {
                document.append(row).append('\n');
            }
            line++;
        }
        parseDocument(source, documentStart, document.toString(), objects);
        if (objects.isEmpty()) {
            throw new ConfigurationException(source + ": no Kubernetes object in the file");
        }
        return List.copyOf(objects);
    }

    private static void parseDocument(String source, int startLine, String document, List<HasMetadata> into) {
        if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
            return;
        }
        String where = source + " (document starting at line " + startLine + ")";
        Object parsed;
        try {
            parsed = SERIALIZATION.unmarshal(document);
        } catch (RuntimeException e) {
            throw new ConfigurationException(where + ": not a valid Kubernetes object: " + explain(e), e);
        }
        if (parsed instanceof KubernetesList list) {
            list.getItems().forEach(item -> into.add(checked(where, item)));
        } else if (parsed instanceof GenericKubernetesResource generic
                && (generic.getApiVersion() == null || generic.getKind() == null)) {
            throw new ConfigurationException(where + ": not a Kubernetes object (missing apiVersion or kind)");
        } else if (parsed instanceof HasMetadata object) {
            into.add(checked(where, object));
        } else {
            throw new ConfigurationException(where + ": not a Kubernetes object (missing apiVersion or kind?)");
        }
    }

    private static HasMetadata checked(String where, HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            throw new ConfigurationException(where + ": unknown kind " + generic.getKind() + " in apiVersion "
                    + generic.getApiVersion());
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null
                || object.getMetadata().getName().isBlank()) {
            throw new ConfigurationException(where + ": " + object.getKind() + " has no metadata.name");
        }
        return object;
    }

    /** The parser's explanation on one line, from the innermost exception that has one (it names line and column). */
    private static String explain(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && cause.getCause().getMessage() != null) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage()).replaceAll("\\s*\\n\\s*", " ").strip();
        return message.length() <= MAX_EXPLANATION ? message : message.substring(0, MAX_EXPLANATION) + "...";
    }
}
