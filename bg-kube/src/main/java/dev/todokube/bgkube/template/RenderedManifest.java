package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** One rendered template: its text (as printed by --dry-run) and the typed objects it holds. */
public record RenderedManifest(String source, String text, List<HasMetadata> objects) {

    public RenderedManifest {
        objects = List.copyOf(objects);
    }

    /** The only object of the given type, for manifests that must hold exactly one (e.g. the public Service). */
    public <T extends HasMetadata> T single(Class<T> type) {
        List<T> matches = all(type);
        if (matches.size() != 1) {
            throw new ConfigurationException(source + ": expected exactly one "
                    + type.getSimpleName() + ", found " + matches.size());
        }
        return matches.get(0);
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
