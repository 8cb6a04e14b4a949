package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.image.ImageRef;

/** Pushes the image to the registry; an image no Deployment runs is harmless, so it stays on an undo. */
public record PushImage(ImageRef image, String command) implements Step {

    @Override
    public String describe() {
        return "push " + image + ": " + command;
    }

    @Override
    public String name() {
        return "push";
    }

    @Override
    public void run(Release release) {
        release.tools().builder().orElseThrow().push(image);
    }
}
