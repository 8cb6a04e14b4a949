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

    /** The exit code a CommandRunner reports for a program it cannot start (not on the PATH). */
    private static final int NOT_INSTALLED = 127;

    private final Path context;
    private final Path dockerfile;
    private final List<String> buildArgs;
    private final Optional<String> dockerMachine;
    private final Optional<String> minikubeProfile;
    private final ContainerRegistry registry;
    private final String zone;
    private final CommandRunner runner;
    private final Duration timeout;
    private final Consumer<String> log;

    /**
     * Which Docker daemon docker talks to, as the original chose it: with a registry that needs
     * no push (local), minikube's ({@code minikube docker-env}, so the cluster sees the image);
     * otherwise a docker-machine's ({@code docker-machine env NAME}) when one is named and
     * docker-machine is installed (silently skipped when it is not); otherwise docker's own.
     *
     * @param dockerMachine the original's DOCKER_MACHINE_NAME
     * @param minikubeProfile the minikube profile for the local registry; empty for minikube's current one
     * @param timeout how long each docker (or login) command may run
     */
    public DockerCliBuilder(Path context, Path dockerfile, List<String> buildArgs, Optional<String> dockerMachine,
            Optional<String> minikubeProfile, ContainerRegistry registry, String zone, CommandRunner runner, Duration timeout,
            Consumer<String> log) {
        this.context = context;
        this.dockerfile = dockerfile;
        this.buildArgs = List.copyOf(buildArgs);
        this.dockerMachine = dockerMachine;
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
        String daemon = !registry.needsPush()
                ? "  (against minikube" + minikubeProfile.map(p -> " -p " + p).orElse("") + "'s daemon)"
                : dockerMachine.map(m -> "  (against docker-machine " + m + "'s daemon, if docker-machine is installed)")
                        .orElse("");
        return String.join(" ", buildArgv(image)) + daemon;
    }

    @Override
    public String describePush(ImageRef image) {
        return registry.needsPush() ? "docker push " + image : "nothing to push (local registry)";
    }

    private Map<String, String> dockerEnvironment() {
        if (!registry.needsPush()) {
            List<String> argv = new ArrayList<>(List.of("minikube"));
            minikubeProfile.ifPresent(p -> argv.addAll(List.of("-p", p)));
            argv.addAll(List.of("docker-env", "--shell", "bash"));
            return parseEnvironment(run(Command.of(argv), "minikube docker-env").output());
        }
        if (dockerMachine.isEmpty()) {
            return Map.of();
        }
        Command command = Command.of(List.of("docker-machine", "env", "--shell", "bash", dockerMachine.get()));
        CommandRunner.Result result = runner.run(command.withTimeout(timeout));
        if (result.exitCode() == NOT_INSTALLED) {
            return Map.of();
        }
        if (!result.succeeded()) {
            throw new ClusterException("docker-machine env failed with exit code " + result.exitCode() + ": " + command
                    + lastLines(result.output()));
        }
        return parseEnvironment(result.output());
    }

    /** {@code export DOCKER_HOST="tcp://..."} lines (bash syntax, as both tools print it); comments are skipped. */
    static Map<String, String> parseEnvironment(String output) {
        Map<String, String> environment = new HashMap<>();
        for (String line : output.split("\n")) {
            String assignment = line.strip().startsWith("export ") ? line.strip().substring("export ".length()) : line.strip();
            int equals = assignment.indexOf('=');
            if (equals > 0 && assignment.substring(0, equals).matches("[A-Z_]+")) {
                String value = assignment.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                environment.put(assignment.substring(0, equals), value);
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
