package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Renders a template and parses the multi-document YAML (split by a YAML reader, so a {@code ---}
 * inside a block scalar is text) into fabric8's typed objects, so a malformed manifest fails
 * before anything is built or the cluster is touched: a wrong field type, an unknown field of a
 * known kind (with its line), an unknown kind of Kubernetes' own API groups. Custom resources
 * are kept as generic objects.
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
        try {
            Iterable<Node> documents = new Compose(LoadSettings.builder().setLabel(source).build()).composeAllFromString(yaml);
            for (Node document : documents) {
                Optional<Mark> start = document.getStartMark();
                Optional<Mark> end = document.getEndMark();
                if (start.isEmpty() || end.isEmpty() || (document instanceof ScalarNode scalar && scalar.getValue().isEmpty())) {
                    continue;
                }
                // From the start of the line the document's node starts on, so the slice is YAML on its own.
                int from = yaml.offsetByCodePoints(0, start.get().getIndex() - start.get().getColumn());
                int to = yaml.offsetByCodePoints(0, end.get().getIndex());
                parseDocument(source, start.get().getLine() + 1, yaml.substring(from, to), objects);
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(1);
            throw new ConfigurationException(source + ": line " + line + ": not valid YAML: " + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new ConfigurationException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (objects.isEmpty()) {
            throw new ConfigurationException(source + ": no Kubernetes object in the file");
        }
        return List.copyOf(objects);
    }

    private static void parseDocument(String source, int startLine, String document, List<HasMetadata> into) {
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
            if (!(object instanceof GenericKubernetesResource)) {
                StrictFields.check(source, startLine, document, object.getClass());
            }
            into.add(checked(where, object));
        } else {
            throw new ConfigurationException(where + ": not a Kubernetes object (missing apiVersion or kind?)");
        }
    }

    private static HasMetadata checked(String where, HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic && isBuiltInGroup(generic.getApiVersion())) {
            throw new ConfigurationException(where + ": unknown kind " + generic.getKind() + " in apiVersion "
                    + generic.getApiVersion());
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null
                || object.getMetadata().getName().isBlank()) {
            throw new ConfigurationException(where + ": " + object.getKind() + " has no metadata.name");
        }
        return object;
    }

    /**
     * Kubernetes' own API groups (the core group, dotless ones such as apps or batch, and
     * *.k8s.io), whose kinds fabric8 knows: a kind it does not know there is a typo. Any other
     * group (monitoring.coreos.com for a ServiceMonitor) holds custom resources, kept as generic objects.
     */
    private static boolean isBuiltInGroup(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return !group.contains(".") || group.endsWith(".k8s.io");
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
