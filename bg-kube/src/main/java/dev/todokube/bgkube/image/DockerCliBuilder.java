package dev.todokube.bgkube.image;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.process.CommandRunner.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Builds and pushes with the docker CLI, as the original bg-kube did. */
public final class DockerCliBuilder implements ImageBuilder {

    private final Path context;
    private final Path dockerfile;
    private final List<String> buildArgs;
    private final Optional<String> minikubeProfile;
    private final ContainerRegistry registry;
    private final String zone;
    private final CommandRunner runner;
    private final Duration timeout;
    private final Consumer<String> log;

    /**
     * @param minikubeProfile when set, docker talks to that minikube profile's daemon (the
     *     modern form of the original's docker-machine-name), so a local cluster sees the image
     * @param timeout how long each docker (or login) command may run
     */
    public DockerCliBuilder(Path context, Path dockerfile, List<String> buildArgs, Optional<String> minikubeProfile,
            ContainerRegistry registry, String zone, CommandRunner runner, Duration timeout, Consumer<String> log) {
        this.context = context;
        this.dockerfile = dockerfile;
        this.buildArgs = List.copyOf(buildArgs);
        this.minikubeProfile = minikubeProfile;
        this.registry = registry;
        this.zone = zone;
        this.runner = runner;
        this.timeout = timeout;
        this.log = log;
    }

    List<String> buildArgv(ImageRef image) {
        List<String> argv = new ArrayList<>(List.of("docker", "build", context.toString(), "-f", dockerfile.toString(),
                "-t", image.toString()));
        for (String arg : buildArgs) {
            argv.add("--build-arg");
            argv.add(arg);
        }
        return argv;
    }

    @Override
    public void build(ImageRef image) {
        log.accept("building " + image + " with docker");
        run(new Command(buildArgv(image), dockerEnvironment(), Optional.empty()), "docker build");
    }

    @Override
    public void push(ImageRef image) {
        if (!registry.needsPush()) {
            log.accept("registry is local: nothing to push");
            return;
        }
        Map<String, String> environment = dockerEnvironment();
        String previousOutput = null;
        List<List<String>> logins = registry.dockerLogin(image, zone);
        for (int i = 0; i < logins.size(); i++) {
            List<String> login = logins.get(i);
            Command command = new Command(login, environment, Optional.ofNullable(previousOutput));
            // An output that feeds the next login command is a password (aws ecr get-login-password).
            if (i < logins.size() - 1) {
                command = command.withCredentialOutput();
            }
            previousOutput = run(command, login.get(0) + " " + login.get(1)).output().strip();
        }
        run(new Command(List.of("docker", "push", image.toString()), environment, Optional.empty()), "docker push");
    }

    @Override
    public String describeBuild(ImageRef image) {
        return String.join(" ", buildArgv(image)) + minikubeProfile.map(p -> "  (against minikube -p " + p + "'s daemon)").orElse("");
    }

    @Override
    public String describePush(ImageRef image) {
        return registry.needsPush() ? "docker push " + image : "nothing to push (local registry)";
    }

    private Map<String, String> dockerEnvironment() {
        if (minikubeProfile.isEmpty()) {
            return Map.of();
        }
        List<String> argv = List.of("minikube", "-p", minikubeProfile.get(), "docker-env", "--shell", "none");
        CommandRunner.Result result = run(Command.of(argv), "minikube docker-env");
        Map<String, String> environment = new HashMap<>();
        for (String line : result.output().split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).matches("[A-Z_]+")) {
                environment.put(line.substring(0, equals), line.substring(equals + 1).strip());
            }
        }
        return environment;
    }

    private CommandRunner.Result run(Command command, String what) {
        CommandRunner.Result result = runner.run(command.withTimeout(timeout));
        if (!result.succeeded()) {
            throw new ClusterException(what + " failed with exit code " + result.exitCode() + ": " + command
                    + (command.credentialOutput() ? " (its output is not shown: it may hold a credential)"
                            : lastLines(result.output())));
        }
        return result;
    }

    private static String lastLines(String output) {
        List<String> lines = output.lines().toList();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
        return tail.isEmpty() ? "" : "\n" + String.join("\n", tail);
    }
}
