package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.deploy.step.Step;
import dev.todokube.bgkube.image.ImageRef;
import dev.todokube.bgkube.template.RenderedManifest;
import java.util.List;
import java.util.Optional;

/**
 * What a publish will do: the image, the color it deploys (the one the public Service does not
 * select; blue on the first publish), the steps, and the manifests rendered for that color.
 */
public record PublishPlan(
        ImageRef image, Color target, Optional<Color> live, List<Step> steps, List<RenderedManifest> manifests) {

    public PublishPlan {
        steps = List.copyOf(steps);
        manifests = List.copyOf(manifests);
    }

    /** The plan as printed by --dry-run and before a publish starts. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("publish ").append(image).append(" as ").append(target.label())
                .append(live.map(c -> " (live: " + c.label() + ")").orElse(" (first publish: no public Service yet)"))
                .append('\n');
        for (int i = 0; i < steps.size(); i++) {
            out.append("  ").append(i + 1).append(". ").append(steps.get(i).describe()).append('\n');
        }
        return out.toString();
    }
}
