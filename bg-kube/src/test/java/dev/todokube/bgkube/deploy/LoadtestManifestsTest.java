package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.config.Option;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.config.SettingsLoader;
import dev.todokube.bgkube.template.Manifests;
import dev.todokube.bgkube.template.Template;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The load generator's manifests (loadtest/kubernetes, owned by the loadtest module) render with
 * bg-kube's templates, and the workers point at the master's Service (the cross-module contract).
 */
class LoadtestManifestsTest {

    private static final Path LOADTEST = Path.of("..", "loadtest").toAbsolutePath().normalize();

    static Stream<Arguments> environments() {
        return Stream.of(".env.dev", ".env.prod").flatMap(env ->
                Stream.of(Color.values()).map(color -> Arguments.of(env, color)));
    }

    private static Settings settings(String envFile) {
        Path file = LOADTEST.resolve(envFile);
        Settings fromFile = SettingsLoader.load(Map.of(), Optional.of(file));
        Map<Option, String> flags = new EnumMap<>(Option.class);
        flags.put(Option.SERVICE_CONFIG, LOADTEST.resolve(fromFile.serviceConfig()).toString());
        flags.put(Option.DEPLOYMENT_CONFIG, LOADTEST.resolve(fromFile.deploymentConfig()).toString());
        return SettingsLoader.load(flags, Optional.of(file));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void workersJoinTheirOwnColorsMaster(String envFile, Color color) throws IOException {
        Settings settings = settings(envFile);
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(LOADTEST.resolve("kubernetes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(Manifests.render(Template.load(file), settings.variablesFor(color.label(), "77")).objects());
            }
        }
        List<Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
        assertThat(services).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("locust-master", "locust-master-" + color.label());
        Service master = services.stream().filter(s -> s.getMetadata().getName().endsWith("-" + color.label()))
                .findFirst().orElseThrow();
        assertThat(master.getSpec().getSelector()).as("this color's master, whichever color is live")
                .containsEntry("color", color.label());
        List<Deployment> deployments = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .toList();
        Deployment worker = deployments.stream()
                .filter(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()
                        .anyMatch(c -> c.getArgs() != null && c.getArgs().contains("--master-host")))
                .findFirst().orElseThrow(() -> new AssertionError("no worker Deployment with --master-host"));
        Container workerContainer = worker.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = workerContainer.getArgs();
        assertThat(args.get(args.indexOf("--master-host") + 1)).isEqualTo(master.getMetadata().getName());

        assertThat(deployments).as("the master Service selects the master's pods")
                .anySatisfy(d -> assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(master.getSpec().getSelector()));
        assertThat(worker.getSpec().getTemplate().getMetadata().getLabels())
                .as("the workers are not behind the master Service")
                .doesNotContainEntry("component", master.getSpec().getSelector().get("component"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void bgKubeBuildsTheWorkerImageWithJibFromTheModulesJar(String envFile, Color color) throws IOException {
        Settings settings = settings(envFile);

        assertThat(settings.builder()).as("there is no Dockerfile in loadtest/").isEqualTo(Settings.BuilderKind.JIB);
        assertThat(settings.jibApp()).contains(Path.of("target/loadtest.jar"));
        assertThat(Files.readString(LOADTEST.resolve("pom.xml"))).as("the shaded jar's name")
                .contains("<finalName>loadtest</finalName>");
        assertThat(Files.exists(LOADTEST.resolve("Dockerfile"))).isFalse();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void bgKubeCanPublishIt(String envFile, Color color) {
        ServiceManifests manifests = ServiceManifests.load(settings(envFile), "77");

        assertThat(manifests.deploymentNames(color)).containsExactlyInAnyOrder(
                "locust-master-" + color.label(), "locust-worker-" + color.label());
        assertThat(manifests.servedDeployment(color)).isEqualTo("locust-master-" + color.label());
        assertThat(manifests.serviceName()).isEqualTo("locust-master");
    }
}
