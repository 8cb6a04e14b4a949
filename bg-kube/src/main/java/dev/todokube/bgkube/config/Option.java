package dev.todokube.bgkube.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting bg-kube reads. Each is a long command-line option and, under its upper-case
 * name, a key of the env file; a flag wins over the file. The first block is the original
 * bg-kube's interface, kept as it was; the rest goes beyond it.
 */
public enum Option {
    CLUSTER_NAME("NAME", "Cluster name (shown in the plan; the connection itself comes from the kubeconfig).", null, true, 'c'),
    CLUSTER_ZONE("ZONE", "Cluster zone or region (shown in the plan; the ECR region for --container-registry ecr).", null, true, 'z'),
    DOCKER_MACHINE_NAME("NAME", "Run docker against this docker-machine's daemon (docker-machine env NAME), when docker-machine is installed; silently skipped otherwise.", null, false, 'm'),
    DOCKER_BUILD_ARGS("LIST", "Space-separated KEY=VALUE pairs, each passed as --build-arg.", "", false),
    IMAGE_NAME("IMAGE", "Image repository, e.g. gcr.io/my-project/todo-api; the tag is added.", null, true, 'i'),
    SERVICE_NAME("NAME", "Name of the service being deployed (template variable $SERVICE_NAME).", null, true, 's'),
    SERVICE_CONFIG("FILE", "Template of the public Service; COLOR selects the live color.", null, true),
    SERVICE_TIMEOUT("DURATION", "How long to wait for the public Service to select the new color.", "120s", false),
    DEPLOYMENT_CONFIG("FILE", "Template of one color's Deployment(s), with any ConfigMaps they need.", null, true),
    DEPLOYMENT_TIMEOUT("DURATION", "How long to wait for the Deployment to be available with the new tag.", "120s", false),
    CONTEXT("DIR", "Docker build context (with Jib, build writes the image tarball under its target/bg-kube/).", ".", false, 'x'),
    DOCKERFILE("FILE", "Dockerfile to build.", "./Dockerfile", false, 'd'),
    SMOKE_SERVICE_CONFIG("FILE", "Template of the Service the smoke tests reach the new color through.", null, false),
    SMOKE_SERVICE_TIMEOUT("DURATION", "How long to wait for the smoke Service's external address.", "120s", false),
    SMOKE_TESTS_COMMAND("COMMAND", "Shell command run locally with TEST_HOST=<scheme>://<host>:<port> of the smoke Service (scheme: its first port's name, else http) and TEST_ADDRESS=<host>:<port>.", null, false),
    DB_MIGRATIONS_JOB_CONFIG_SEED("FILE", "Template of the Job(s) that seed the database on the first publish.", null, false),
    DB_MIGRATIONS_JOB_TIMEOUT("DURATION", "How long to wait for each seed Job to complete.", "120s", false),
    DB_MIGRATIONS_STATUS_COMMAND("COMMAND", "Shell command run in a ready pod of the new color before migrating; its output is kept for a rollback.", null, false),
    DB_MIGRATIONS_APPLY_COMMAND("COMMAND", "Shell command run in a ready pod of the new color to migrate the database.", null, false),
    DB_MIGRATIONS_ROLLBACK_COMMAND("COMMAND", "Shell command run in a ready pod of the new color when a release that migrated is undone (failed smoke tests, a failed gate, an abort), with the kept status output as its arguments.", null, false),
    KOPS_STATE_STORE("URL", "kops state store (kept for compatibility; exported as KOPS_STATE_STORE to the smoke-tests command).", null, false),
    CONTAINER_REGISTRY("KIND", "gcr, ecr, local (docker builds into minikube's daemon; nothing to push), any (any registry docker or Jib can push to), or the class name of your own ContainerRegistry.", "any", false),

    MINIKUBE_PROFILE("PROFILE", "With --container-registry local: the minikube profile whose Docker daemon docker builds into (default: minikube's current profile).", null, false),
    NAMESPACE("NAMESPACE", "Kubernetes namespace (default: the kubeconfig context's namespace, else default).", null, false),
    KUBE_CONTEXT("CONTEXT", "kubeconfig context to use (default: the current context; kubeconfig found as kubectl finds it).", null, false),
    HPA_CONFIG("FILE", "Template of a HorizontalPodAutoscaler, applied per color with the Deployment.", null, false),
    EXTRA_CONFIGS("FILES", "Comma-separated templates applied per color before the Deployment (PodDisruptionBudget, ConfigMaps, NetworkPolicies).", "", false),
    COMMAND_TIMEOUT("DURATION", "How long a local command (docker build and push, registry login, smoke tests) or a migration command in a pod may run before it is stopped.", "30m", false),
    SCALE_DOWN_DELAY("DURATION", "After a successful swap, wait this long and scale the previous color to zero (off by default: an instant rollback needs it).", null, false),
    BUILDER("KIND", "docker (the docker CLI) or jib (no Docker daemon; Java applications).", "docker", false),
    JIB_APP("PATH", "For jib: a runnable jar, or a directory of compiled classes.", null, false),
    JIB_LIBS("DIR", "For jib with a classes directory: directory of dependency jars.", null, false),
    JIB_MAIN_CLASS("CLASS", "For jib with a classes directory: the main class.", null, false),
    JIB_LAUNCHER("FILE", "For jib with a runnable jar: a start script put at /app/bin/<its name> and run as the entrypoint instead of java -jar (e.g. todo-api/bin/todo-api, which sizes the JVM to the pod).", null, false),
    JIB_BASE_IMAGE("IMAGE", "For jib: base image with a Java runtime ('scratch' for none).", "eclipse-temurin:17-jre", false),
    INSECURE_REGISTRY("BOOLEAN", "For jib: allow plain HTTP to registries (a local registry), for the base image and the push.", "false", false);

    private final String label;
    private final String description;
    private final String defaultValue;
    private final boolean required;
    private final Character shortFlag;

    Option(String label, String description, String defaultValue, boolean required) {
        this(label, description, defaultValue, required, null);
    }

    Option(String label, String description, String defaultValue, boolean required, Character shortFlag) {
        this.label = label;
        this.description = description;
        this.defaultValue = defaultValue;
        this.required = required;
        this.shortFlag = shortFlag;
    }

    /** The original's one-letter flag, e.g. {@code -i} for --image-name, where it had one. */
    public Optional<String> shortFlag() {
        return Optional.ofNullable(shortFlag).map(c -> "-" + c);
    }

    /** The command-line name, e.g. {@code --image-name}. */
    public String flag() {
        return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The env file key, e.g. {@code IMAGE_NAME}. */
    public String envName() {
        return name();
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean required() {
        return required;
    }
}
