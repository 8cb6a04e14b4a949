package dev.todokube.bgkube.image;

import java.util.List;
import java.util.Optional;

/**
 * Where images go: how to log in before {@code docker push}, which Docker credential helper Jib
 * asks, or that nothing is pushed (a cluster that reads the local Docker daemon). Implement this
 * (with a public no-argument constructor) and name the class in CONTAINER_REGISTRY for another one.
 */
public interface ContainerRegistry {

    /** Whether images must be pushed for the cluster to pull them. */
    default boolean needsPush() {
        return true;
    }

    /**
     * Commands run before {@code docker push}; each command's output is given as standard input to
     * the next (so {@code aws ecr get-login-password} can feed {@code docker login --password-stdin}).
     */
    default List<List<String>> dockerLogin(ImageRef image, String zone) {
        return List.of();
    }

    /** The Docker credential helper (without its {@code docker-credential-} prefix) Jib should use. */
    default Optional<String> credentialHelper() {
        return Optional.empty();
    }
}
