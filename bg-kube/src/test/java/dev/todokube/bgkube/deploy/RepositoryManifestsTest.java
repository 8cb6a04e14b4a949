package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.config.Option;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.config.SettingsLoader;
import dev.todokube.bgkube.template.Manifests;
import dev.todokube.bgkube.template.RenderedManifest;
import dev.todokube.bgkube.template.Template;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
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
 * Renders every manifest of the repository's kubernetes/ directory with .env.dev and .env.prod
 * (and both colors) and checks what a cluster would need to run todo-api blue/green.
 */
class RepositoryManifestsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Option[] PATH_OPTIONS = {
            Option.SERVICE_CONFIG, Option.DEPLOYMENT_CONFIG, Option.SMOKE_SERVICE_CONFIG,
            Option.DB_MIGRATIONS_JOB_CONFIG_SEED, Option.HPA_CONFIG, Option.EXTRA_CONFIGS};

    static Stream<Arguments> environments() {
        return Stream.of(".env.dev", ".env.prod").flatMap(env ->
                Stream.of(Color.values()).map(color -> Arguments.of(env, color)));
    }

    /** Settings from a repository env file, with its relative template paths resolved from the repository root. */
    private static Settings settings(String envFile) throws IOException {
        Path file = ROOT.resolve(envFile);
        Settings fromFile = SettingsLoader.load(Map.of(), Optional.of(file));
        Map<Option, String> flags = new EnumMap<>(Option.class);
        for (Option option : PATH_OPTIONS) {
            String value = fromFile.variables().get(option.envName());
            if (value != null) {
                flags.put(option, String.join(",", Stream.of(value.split(",")).map(p -> ROOT.resolve(p.strip()).toString())
                        .toList()));
            }
        }
        return SettingsLoader.load(flags, Optional.of(file));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void everyManifestRendersIntoTypedObjects(String envFile, Color color) throws IOException {
        Settings settings = settings(envFile);
        List<Path> files;
        try (Stream<Path> list = Files.list(ROOT.resolve("kubernetes"))) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("deployment.yaml", "service.yaml",
                "smoke-service.yaml", "db-seed-job.yaml", "hpa.yaml", "pdb.yaml", "db-secret.example.yaml");

        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : files) {
            RenderedManifest rendered = Manifests.render(Template.load(file), settings.variablesFor(color.label(), "1234"));
            objects.addAll(rendered.objects());
        }
        assertThat(objects).hasAtLeastOneElementOfType(Deployment.class).hasAtLeastOneElementOfType(Service.class)
                .hasAtLeastOneElementOfType(Job.class).hasAtLeastOneElementOfType(HorizontalPodAutoscaler.class)
                .hasAtLeastOneElementOfType(PodDisruptionBudget.class).hasAtLeastOneElementOfType(Secret.class);

        Deployment deployment = only(objects, Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsKeys("app", "env", "color", "component", "role").containsEntry("color", color.label());
        for (Service service : all(objects, Service.class)) {
            assertThat(podLabels).as("service " + service.getMetadata().getName() + " selects the pods")
                    .containsAllEntriesOf(service.getSpec().getSelector());
        }
        HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName())
                .isEqualTo("todo-api-" + color.label());
        assertThat(hpa.getSpec().getMinReplicas()).as("an idle color keeps the replicas the env file asks for")
                .isEqualTo(deployment.getSpec().getReplicas()).isEqualTo(envFile.equals(".env.prod") ? 2 : 1);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getBehavior().getScaleUp().getStabilizationWindowSeconds()).isZero();
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isGreaterThanOrEqualTo(300);
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getPolicies()).singleElement()
                .satisfies(p -> assertThat(p.getType() + "=" + p.getValue()).isEqualTo("Pods=1"));
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(80);
        PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class);
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());

        Container api = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Job seed = only(objects, Job.class);
        Container seedContainer = seed.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(seedContainer.getArgs()).containsExactly("seed");
        assertThat(seedContainer.getImage()).isEqualTo(api.getImage()).endsWith(":1234");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void deploymentIsProductionReady(String envFile, Color color) throws IOException {
        Settings settings = settings(envFile);
        Deployment deployment = ServiceManifests.load(settings, "1234").deployment(color, "1234").single(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container api = pod.getContainers().get(0);

        assertThat(api.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly("grpc=8001", "metrics=9090");
        assertThat(api.getReadinessProbe().getGrpc().getPort()).isEqualTo(8001);
        assertThat(api.getReadinessProbe().getGrpc().getService()).as("readiness follows the store").isNull();
        assertThat(api.getLivenessProbe().getGrpc().getPort()).isEqualTo(8001);
        assertThat(api.getLivenessProbe().getGrpc().getService()).as("liveness reports only the process").isEqualTo("liveness");
        assertThat(api.getStartupProbe().getGrpc().getPort()).isEqualTo(8001);
        assertThat(api.getStartupProbe().getGrpc().getService()).isEqualTo("liveness");

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(api.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(api.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(api.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getEmptyDir() != null);

        assertThat(api.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("128Mi"));
        assertThat(api.getResources().getLimits()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("192Mi"));
        assertThat(env(api, "JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=");

        EnvVar dbUri = env(api, "DB_URI");
        assertThat(dbUri.getValue()).as("not in plain text").isNull();
        assertThat(dbUri.getValueFrom().getSecretKeyRef().getName()).isEqualTo("todo-api-db");
        assertThat(api.getEnv()).noneMatch(e -> e.getName().equals("DB_HOST") || e.getName().equals("DB_PORT"));

        assertThat(api.getLifecycle().getPreStop().getSleep()).as("the sleep action is alpha on Kubernetes 1.29").isNull();
        List<String> preStopCommand = api.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStopCommand).hasSize(2).first().isEqualTo("sleep");
        long preStop = Long.parseLong(preStopCommand.get(1));
        long shutdownGrace = SettingsLoader.parseDuration(env(api, "SHUTDOWN_GRACE").getValue()).orElseThrow().toSeconds();
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(preStop + shutdownGrace);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("environments")
    void smokeTestReadsOnlyAndHasNoPublicAddress(String envFile, Color color) throws IOException {
        Settings settings = settings(envFile);
        Service smoke = ServiceManifests.load(settings, "1234").smokeService(color, "1234").orElseThrow().single(Service.class);

        assertThat(smoke.getSpec().getType()).as("reached through a port-forward, not a second LoadBalancer")
                .isEqualTo("ClusterIP");
        String command = settings.smokeTestsCommand().orElseThrow();
        java.util.regex.Matcher tasks = java.util.regex.Pattern.compile("--tasks ([^ ]+)").matcher(command);
        assertThat(tasks.find()).as("the smoke command names its calls: " + command).isTrue();
        if (envFile.equals(".env.prod")) {
            assertThat(Stream.of(tasks.group(1).split(",")).map(t -> t.split("=")[0]).toList())
                    .as("the production database gets no writes").isNotEmpty().isSubsetOf("GetTodos", "ListTodos", "GetTodo");
        }
    }

    @org.junit.jupiter.api.Test
    void mongodbInstallIsPinnedAndTodoApiConnectsAsALeastPrivilegeUser() throws IOException {
        List<HasMetadata> objects = Manifests.render(Template.load(ROOT.resolve("kubernetes/mongodb/mongodb.yaml")), Map.of())
                .objects();
        io.fabric8.kubernetes.api.model.apps.StatefulSet db = only(objects, io.fabric8.kubernetes.api.model.apps.StatefulSet.class);
        Container mongo = db.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(mongo.getImage()).as("an official image, pinned to a patch release").matches("mongo:\\d+\\.\\d+\\.\\d+")
                .doesNotContain("bitnami");
        Settings prod = settings(".env.prod");
        assertThat(env(mongo, "APP_DB").getValue()).isEqualTo(prod.variables().get("DB_NAME"));
        String initScript = only(objects, io.fabric8.kubernetes.api.model.ConfigMap.class).getData().get("create-app-user.js");
        assertThat(initScript).contains("roles: [{ role: \"readWrite\", db: dbName }]").doesNotContain("root");
        assertThat(db.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap().getName())
                .isEqualTo("todo-db-init"));
        assertThat(mongo.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/docker-entrypoint-initdb.d"));
        Service service = only(objects, Service.class);
        assertThat(prod.variables().get("DB_HOST")).startsWith(service.getMetadata().getName() + ".");

        Secret example = only(Manifests.render(Template.load(ROOT.resolve("kubernetes/db-secret.example.yaml")),
                prod.variablesFor("blue", "1")).objects(), Secret.class);
        String uri = example.getStringData().get("uri");
        assertThat(uri).as("todo-api's own user, not root").startsWith("mongodb://" + env(mongo, "APP_USER").getValue() + ":")
                .contains("@" + prod.variables().get("DB_HOST") + ":27017/TodosDB?authSource=TodosDB");
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> matches = all(objects, type);
        assertThat(matches).as(type.getSimpleName()).hasSize(1);
        return matches.get(0);
    }
}
