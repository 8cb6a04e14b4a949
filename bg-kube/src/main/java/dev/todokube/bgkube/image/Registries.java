package dev.todokube.bgkube.image;

import dev.todokube.bgkube.ConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Optional;

/** The built-in registries and loading of a user's own {@link ContainerRegistry} by class name. */
public final class Registries {

    private Registries() {}

    /** Google Container/Artifact Registry: credentials from gcloud. */
    static final class Gcr implements ContainerRegistry {
        @Override
        public Optional<String> credentialHelper() {
            return Optional.of("gcloud");
        }
    }

    /** Amazon ECR: log docker in with a token for the cluster zone's region. */
    static final class Ecr implements ContainerRegistry {
        @Override
        public List<List<String>> dockerLogin(ImageRef image, String zone) {
            return List.of(
                    List.of("aws", "ecr", "get-login-password", "--region", region(zone)),
                    List.of("docker", "login", "--username", "AWS", "--password-stdin", image.registryHost()));
        }

        @Override
        public Optional<String> credentialHelper() {
            return Optional.of("ecr-login");
        }

        /** An availability zone such as eu-west-1a names its region eu-west-1. */
        private static String region(String zone) {
            return zone.matches(".*-\\d+[a-z]$") ? zone.substring(0, zone.length() - 1) : zone;
        }
    }

    /** minikube or kind with the image in the node's daemon: nothing to push. */
    static final class Local implements ContainerRegistry {
        @Override
        public boolean needsPush() {
            return false;
        }
    }

    /** Any registry docker or Jib is already logged in to (Docker config credentials). */
    static final class Any implements ContainerRegistry {}

    public static ContainerRegistry resolve(String name) {
        return switch (name) {
            case "gcr" -> new Gcr();
            case "ecr" -> new Ecr();
            case "local" -> new Local();
            case "any" -> new Any();
            default -> load(name);
        };
    }

    private static ContainerRegistry load(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("--container-registry: '" + className
                    + "' is not gcr, ecr, local or any, and no class of that name is on the classpath", e);
        }
        if (!ContainerRegistry.class.isAssignableFrom(type)) {
            throw new ConfigurationException("--container-registry: class " + className + " does not implement "
                    + ContainerRegistry.class.getName());
        }
        try {
            return (ContainerRegistry) type.getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new ConfigurationException("--container-registry: cannot create " + className
                    + " with its public no-argument constructor: " + e, e);
        }
    }
}
