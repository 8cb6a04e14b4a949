package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Finds a field a known kind does not have (a typo such as {@code servce:} in a probe), which
 * fabric8's models would otherwise keep silently in their "additional properties" and the API
 * server would reject or drop. The document is read a second time into the same model class by a
 * YAML mapper whose beans have no catch-all for unknown properties, so the first unknown one
 * fails with its path and line.
 */
final class StrictFields {

    private static final YAMLMapper STRICT = YAMLMapper.builder()
            .addModule(new SimpleModule("bg-kube-strict-fields").setDeserializerModifier(new ValueDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier bean,
                        BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    return builder;
                }
            }))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StrictFields() {}

    /**
     * @param startLine the document's first line in the file, for the error's line number
     * @param type the model class fabric8 parsed the document into
     */
    static void check(String source, int startLine, String document, Class<?> type) {
        try {
            STRICT.readValue(document, type);
        } catch (UnrecognizedPropertyException e) {
            int line = startLine + (e.getLocation() == null ? 0 : e.getLocation().getLineNr() - 1);
            throw new ConfigurationException(source + ": line " + line + ": unknown field " + path(e) + " in "
                    + type.getSimpleName() + " (a typo? it would be dropped or rejected by the API server)");
        } catch (JacksonException e) {
            // Anything else (a type fabric8 converts and this plain mapper does not) is fabric8's to judge: it parsed.
        }
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
