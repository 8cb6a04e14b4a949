package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.image.ImageRef;

/** Builds the image (docker or Jib); nothing in the cluster changes, so there is nothing to undo. */
public record BuildImage(ImageRef image, String command) implements Step {

    @Override
    public String describe() {
        return "build " + image + ": " + command;
    }

    @Override
    public String name() {
        return "build";
    }

    @Override
    public void run(Release release) {
        release.tools().builder().orElseThrow().build(image);
    }
}
