package dev.todokube.bgkube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @TempDir
    Path dir;

    private Path envFile(String text) throws Exception {
        Path file = dir.resolve(".env.prod");
        Files.writeString(file, text);
        return file;
    }

    private static final String REQUIRED = """
        CLUSTER_NAME=prod
        CLUSTER_ZONE=europe-west1-b
        IMAGE_NAME=gcr.io/p/todo-api
        SERVICE_NAME=todo-api
        SERVICE_CONFIG=kubernetes/service.yaml
        DEPLOYMENT_CONFIG=kubernetes/deployment.yaml
        """;

    @Test
    void defaultsMatchTheOriginal() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(), Optional.of(envFile(REQUIRED)));

        assertThat(settings.serviceTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.deploymentTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.smokeServiceTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.dbMigrationsJobTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(settings.buildContext()).isEqualTo(Path.of("."));
        assertThat(settings.dockerfile()).isEqualTo(Path.of("./Dockerfile"));
        assertThat(settings.scaleDownDelay()).as("off by default").isEmpty();
        assertThat(settings.builder()).isEqualTo(Settings.BuilderKind.DOCKER);
    }

    @Test
    void anOriginalEnvFilesDockerBuildArgsAreSplitOnSpaces() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(), Optional.of(envFile(REQUIRED
                + "DOCKER_BUILD_ARGS=PROJECT=x ENV=prod\nDOCKER_MACHINE_NAME=todoapp-todos\n")));

        assertThat(settings.dockerBuildArgs()).containsExactly("PROJECT=x", "ENV=prod");
        assertThat(settings.dockerMachineName()).contains("todoapp-todos");
        assertThat(settings.minikubeProfile()).isEmpty();
    }

    @Test
    void flagWinsOverTheFileAndBecomesTheTemplateVariable() throws Exception {
        Settings settings = SettingsLoader.load(
                Map.of(Option.SERVICE_NAME, "canary-api", Option.DEPLOYMENT_TIMEOUT, "5m"),
                Optional.of(envFile(REQUIRED + "DEPLOYMENT_TIMEOUT=30\nREPLICAS=3\n")));

        assertThat(settings.serviceName()).isEqualTo("canary-api");
        assertThat(settings.deploymentTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.variablesFor("green", "42")).containsEntry("SERVICE_NAME", "canary-api")
                .containsEntry("REPLICAS", "3").containsEntry("COLOR", "green").containsEntry("TAG", "42")
                .containsEntry("ENV_FILE", dir.resolve(".env.prod").toString());
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        assertThat(SettingsLoader.parseDuration("90")).contains(Duration.ofSeconds(90));
        assertThat(SettingsLoader.parseDuration("250ms")).contains(Duration.ofMillis(250));
        assertThat(SettingsLoader.parseDuration("2m")).contains(Duration.ofMinutes(2));
        assertThat(SettingsLoader.parseDuration("1h")).contains(Duration.ofHours(1));
        assertThat(SettingsLoader.parseDuration("2 minutes")).isEmpty();
    }

    @Test
    void everyMissingRequiredOptionIsNamedOnce() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(Option.CLUSTER_NAME, "x"), Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("missing required options: --cluster-zone (CLUSTER_ZONE), --image-name (IMAGE_NAME), "
                        + "--service-name (SERVICE_NAME), --service-config (SERVICE_CONFIG), "
                        + "--deployment-config (DEPLOYMENT_CONFIG); give them as flags or in an --env-file");
    }

    @Test
    void emptyValueInTheFileCountsAsMissing() throws Exception {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(),
                Optional.of(envFile(REQUIRED.replace("IMAGE_NAME=gcr.io/p/todo-api", "IMAGE_NAME=")))))
                .hasMessageStartingWith("missing required option: --image-name (IMAGE_NAME)");
    }

    @Test
    void missingEnvFileIsNamed() {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(dir.resolve(".env.nope"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("env file " + dir.resolve(".env.nope") + " does not exist");
    }

    @Test
    void envFileThatIsNotTextIsNamed() throws Exception {
        Path file = dir.resolve(".env.bin");
        Files.write(file, new byte[] {'A', '=', (byte) 0xff, (byte) 0xfe, '\n'});

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("env file " + file + " is not UTF-8 text");
    }

    @Test
    void invalidValuesNameTheOptionAndTheirSource() throws Exception {
        Path file = envFile(REQUIRED + "BUILDER=kaniko\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .hasMessage("--builder: invalid value 'kaniko' (from BUILDER in " + file + "): expected docker or jib");
        Path valid = envFile(REQUIRED);
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(Option.INSECURE_REGISTRY, "maybe"), Optional.of(valid)))
                .hasMessageStartingWith("--insecure-registry: invalid value 'maybe' (from --insecure-registry)");
    }

    @Test
    void jibNeedsAnApp() throws Exception {
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(Option.BUILDER, "jib"), Optional.of(envFile(REQUIRED))))
                .hasMessageContaining("--builder jib needs --jib-app (JIB_APP)");
    }
}
