package dev.todokube.bgkube.image;

/** Builds an image and pushes it to its registry. */
public sealed interface ImageBuilder permits DockerCliBuilder, JibBuilder {

    void build(ImageRef image);

    void push(ImageRef image);

    /** One line for the plan, e.g. the docker command line. */
    String describeBuild(ImageRef image);

    String describePush(ImageRef image);
}
