package dev.todokube.bgkube.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.process.ProcessCommandRunner;
import dev.todokube.bgkube.testing.ScriptedCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact command lines the docker builder runs (no Docker engine can run here). */
class DockerCliBuilderTest {

    private final ScriptedCommandRunner runner = new ScriptedCommandRunner()
            .script("docker", new CommandRunner.Result(0, ""))
            .script("aws", new CommandRunner.Result(0, "ecr-token-123\n"))
            .script("minikube", new CommandRunner.Result(0,
                    "export DOCKER_TLS_VERIFY=\"1\"\nexport DOCKER_HOST=\"tcp://192.168.49.2:2376\"\n"
                            + "export DOCKER_CERT_PATH=\"/home/u/.minikube/certs\"\nexport MINIKUBE_ACTIVE_DOCKERD=\"dev\"\n\n"
                            + "# To point your shell to minikube's docker-daemon, run:\n# eval $(minikube -p dev docker-env)\n"));
    private final List<String> log = new ArrayList<>();
    private final ImageRef image = new ImageRef("gcr.io/proj/todo-api", "1764000000");

    private DockerCliBuilder builder(String registry, Optional<String> minikube, List<String> buildArgs) {
        return builder(registry, Optional.empty(), minikube, buildArgs);
    }

    private DockerCliBuilder builder(String registry, Optional<String> machine, Optional<String> minikube,
            List<String> buildArgs) {
        return new DockerCliBuilder(Path.of("services/api"), Path.of("services/api/Dockerfile.prod"), buildArgs, machine,
                minikube, Registries.resolve(registry), "eu-west-1a", runner, Duration.ofMinutes(5), log::add);
    }

    @Test
    void buildRunsDockerBuildWithContextDockerfileTagAndEachBuildArg() {
        builder("gcr", Optional.empty(), List.of("VERSION=1.2", "GIT_SHA=abc")).build(image);

        assertThat(runner.commands()).singleElement().satisfies(command -> {
            assertThat(command.argv()).containsExactly("docker", "build", "services/api", "-f",
                    "services/api/Dockerfile.prod", "-t", "gcr.io/proj/todo-api:1764000000",
                    "--build-arg", "VERSION=1.2", "--build-arg", "GIT_SHA=abc");
            assertThat(command.environment()).isEmpty();
        });
    }

    @Test
    void pushToGcrIsADockerPush() {
        builder("gcr", Optional.empty(), List.of()).push(image);

        assertThat(runner.commands()).extracting(CommandRunner.Command::argv)
                .containsExactly(List.of("docker", "push", "gcr.io/proj/todo-api:1764000000"));
    }

    @Test
    void pushToEcrLogsInWithATokenForTheZonesRegionFirst() {
        ImageRef ecrImage = new ImageRef("123456789012.dkr.ecr.eu-west-1.amazonaws.com/todo-api", "7");

        builder("ecr", Optional.empty(), List.of()).push(ecrImage);

        List<CommandRunner.Command> commands = runner.commands();
        assertThat(commands).extracting(CommandRunner.Command::argv).containsExactly(
                List.of("aws", "ecr", "get-login-password", "--region", "eu-west-1"),
                List.of("docker", "login", "--username", "AWS", "--password-stdin",
                        "123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
                List.of("docker", "push", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/todo-api:7"));
        assertThat(commands.get(1).stdin()).contains("ecr-token-123");
        assertThat(commands.get(0).credentialOutput()).as("the token is never echoed").isTrue();
        assertThat(commands).allSatisfy(c -> assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(5)));
    }

    @Test
    void aCredentialNeverReachesTheLogOrAnErrorWithRealProcesses(@TempDir Path dir) {
        Path received = dir.resolve("received");
        // A registry whose login is two real commands, as ECR's: the first prints a password, the
        // second reads it from standard input. docker itself is not installed here, so the push fails.
        ContainerRegistry registry = new ContainerRegistry() {
            @Override
            public List<List<String>> dockerLogin(ImageRef ref, String zone) {
                return List.of(List.of("sh", "-c", "echo pa55-w0rd-XYZ"),
                        List.of("sh", "-c", "cat > " + received + "; echo Login Succeeded"));
            }
        };
        DockerCliBuilder docker = new DockerCliBuilder(Path.of("."), Path.of("Dockerfile"), List.of(), Optional.empty(), Optional.empty(),
                registry, "zone", new ProcessCommandRunner(log::add), Duration.ofSeconds(20), log::add);

        assertThatThrownBy(() -> docker.push(image)).isInstanceOf(ClusterException.class)
                .hasMessageContaining("docker push failed").hasMessageNotContaining("pa55-w0rd-XYZ");

        assertThat(received).content().isEqualTo("pa55-w0rd-XYZ");
        assertThat(log).isNotEmpty().noneMatch(line -> line.contains("pa55-w0rd-XYZ"))
                .contains("  | (output of sh hidden: it is a credential)", "  | Login Succeeded");
    }

    @Test
    void aFailedCredentialCommandDoesNotQuoteItsOutput() {
        runner.script("aws", new CommandRunner.Result(255, "partial-token-abc\nerror\n"));
        ImageRef ecrImage = new ImageRef("123456789012.dkr.ecr.eu-west-1.amazonaws.com/todo-api", "7");

        assertThatThrownBy(() -> builder("ecr", Optional.empty(), List.of()).push(ecrImage))
                .hasMessageContaining("aws ecr failed with exit code 255: aws ecr get-login-password --region eu-west-1 "
                        + "(its output is not shown: it may hold a credential)")
                .hasMessageNotContaining("partial-token-abc");
    }

    @Test
    void localRegistryPushesNothing() {
        builder("local", Optional.empty(), List.of()).push(image);

        assertThat(runner.commands()).isEmpty();
        assertThat(log).contains("registry is local: nothing to push");
    }

    @Test
    void localRegistryBuildsIntoMinikubesDaemonAsTheOriginal() {
        builder("local", Optional.empty(), List.of()).build(image);
        builder("local", Optional.of("dev"), List.of()).build(image);

        List<CommandRunner.Command> commands = runner.commands();
        assertThat(commands.get(0).argv()).containsExactly("minikube", "docker-env", "--shell", "bash");
        assertThat(commands.get(2).argv()).containsExactly("minikube", "-p", "dev", "docker-env", "--shell", "bash");
        commands = commands.subList(2, 4);
        assertThat(commands.get(1).argv()).startsWith("docker", "build");
        assertThat(commands.get(1).environment()).containsAllEntriesOf(Map.of(
                "DOCKER_HOST", "tcp://192.168.49.2:2376", "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", "/home/u/.minikube/certs"));
    }

    @Test
    void dockerMachineNameRunsDockerAgainstThatMachinesDaemonWhenDockerMachineIsInstalled() {
        runner.script("docker-machine", new CommandRunner.Result(0, "export DOCKER_TLS_VERIFY=\"1\"\n"
                + "export DOCKER_HOST=\"tcp://192.168.99.100:2376\"\nexport DOCKER_MACHINE_NAME=\"todoapp-todos\"\n"
                + "# Run this command to configure your shell:\n# eval $(docker-machine env todoapp-todos)\n"));

        builder("gcr", Optional.of("todoapp-todos"), Optional.empty(), List.of()).build(image);

        List<CommandRunner.Command> commands = runner.commands();
        assertThat(commands.get(0).argv()).containsExactly("docker-machine", "env", "--shell", "bash", "todoapp-todos");
        assertThat(commands.get(1).environment()).containsEntry("DOCKER_HOST", "tcp://192.168.99.100:2376")
                .containsEntry("DOCKER_MACHINE_NAME", "todoapp-todos").hasSize(3);
    }

    @Test
    void failedBuildIsAnErrorWithTheCommandAndItsLastOutput() {
        runner.script("docker", new CommandRunner.Result(1, "step 1\nstep 2\nCOPY failed: no such file\n"));

        assertThatThrownBy(() -> builder("gcr", Optional.empty(), List.of()).build(image))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("docker build failed with exit code 1: docker build services/api")
                .hasMessageContaining("COPY failed: no such file");
    }

    @Test
    void describesTheCommandForThePlan() {
        assertThat(builder("gcr", Optional.empty(), List.of("A=1")).describeBuild(image))
                .isEqualTo("docker build services/api -f services/api/Dockerfile.prod -t gcr.io/proj/todo-api:1764000000 "
                        + "--build-arg A=1");
    }
}
