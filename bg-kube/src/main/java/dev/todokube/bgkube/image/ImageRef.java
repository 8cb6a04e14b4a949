package dev.todokube.bgkube.image;

/** A repository and a tag, e.g. {@code gcr.io/my-project/todo-api:1764172800}. */
public record ImageRef(String repository, String tag) {

    @Override
    public String toString() {
        return repository + ":" + tag;
    }

    /** The registry host part, e.g. {@code gcr.io} or {@code 123.dkr.ecr.eu-west-1.amazonaws.com}; empty for Docker Hub. */
    public String registryHost() {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return "";
        }
        String first = repository.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "";
    }
}
