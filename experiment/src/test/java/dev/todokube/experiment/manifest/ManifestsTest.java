package dev.todokube.experiment.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.experiment.ExperimentException;
import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.ScalingPolicy;
import dev.todokube.experiment.autoscale.ScalingRules;
import dev.todokube.experiment.service.PodBudget;
import dev.todokube.testkit.process.ProjectJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The project's own manifests, as the rehearsal reads them; and what it refuses, in one line each. */
class ManifestsTest {

    private static final Path ROOT = ProjectJars.root();

    @TempDir
    Path dir;

    @Test
    void readsTheProjectsAutoscalerWithTheProductionValues() {
        AutoscalerSpec hpa = Manifests.readAutoscaler(ROOT.resolve("kubernetes/hpa.yaml"), EnvFile.read(ROOT.resolve(".env.prod")));

        assertThat(hpa.minReplicas()).as("$REPLICAS of .env.prod").isEqualTo(2);
        assertThat(hpa.maxReplicas()).isEqualTo(10);
        assertThat(hpa.targetUtilization()).isEqualTo(80);
        assertThat(hpa.scaleUp()).isEqualTo(new ScalingRules(Duration.ZERO, ScalingRules.SelectPolicy.MAX,
                List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15)))));
        assertThat(hpa.scaleDown()).isEqualTo(new ScalingRules(Duration.ofMinutes(10), ScalingRules.SelectPolicy.MAX,
                List.of(ScalingPolicy.pods(1, Duration.ofMinutes(1)))));
    }

    @Test
    void readsTheProjectsPodTemplateWithTheProductionValues() {
        PodTemplate pod = Manifests.readPodTemplate(ROOT.resolve("kubernetes/deployment.yaml"),
                EnvFile.read(ROOT.resolve(".env.prod")));

        assertThat(pod.cpuRequestMillis()).isEqualTo(100);
        assertThat(pod.limits()).isEqualTo(new PodBudget("500m", "192Mi"));
        assertThat(pod.env()).containsEntry("MAX_CONNECTION_AGE", "30s").containsEntry("SHUTDOWN_GRACE", "20s")
                .containsEntry("DB_NAME", "TodosDB").doesNotContainKeys("DB_URI", "AUTH_TOKENS");
        assertThat(pod.readiness()).contains(new PodTemplate.ReadinessProbe("", Duration.ofSeconds(5), Duration.ofSeconds(1), 2));
        assertThat(pod.preStopSleep()).isEqualTo(Duration.ofSeconds(10));
        assertThat(pod.terminationGrace()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void anAutoscalerWithoutMetricsOrBehaviourTakesKubernetesDefaults() throws Exception {
        Path hpa = autoscaler("");
        assertThat(Manifests.readAutoscaler(hpa, env()))
                .isEqualTo(AutoscalerSpec.withDefaultBehavior(1, 4, 80));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a Pods metric | 'metrics: [{type: Pods, pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 10}}}]'"
                    + " | spec.metrics[0] is a Pods metric; the rehearsal measures only Resource cpu",
            "memory | 'metrics: [{type: Resource, resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}}]'"
                    + " | spec.metrics[0] is a Resource memory metric; the rehearsal measures only Resource cpu",
            "an average value | 'metrics: [{type: Resource, resource: {name: cpu, target: {type: AverageValue, averageValue: 80m}}}]'"
                    + " | spec.metrics[0].resource.target.type is 'AverageValue'; the rehearsal follows a Utilization target",
            "min above max | 'minReplicas: 5' | spec.maxReplicas is 4, below spec.minReplicas 5",
            "unset variable | 'minReplicas: $REPLICAS' | spec.minReplicas is $REPLICAS, which has no value in ENV",
            "a bad policy | 'behavior: {scaleUp: {policies: [{type: Pod, value: 1, periodSeconds: 15}]}}'"
                    + " | spec.behavior.scaleUp.policies[0].type 'Pod' is not Pods or Percent"})
    void anAutoscalerTheRehearsalCannotFollowIsNamedByFileAndField(String what, String line, String message)
            throws Exception {
        Path hpa = autoscaler(line);
        assertThatThrownBy(() -> Manifests.readAutoscaler(hpa, env())).isInstanceOf(ExperimentException.class)
                .hasMessage(hpa + ": " + message.replace("ENV", dir.resolve(".env").toString()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no CPU request | '{limits: {cpu: 500m, memory: 192Mi}}'"
                    + " | spec.template.spec.containers[0].resources.requests.cpu is missing"
                    + " (the HPA measures utilisation as CPU used over this request)",
            "limit below request | '{requests: {cpu: 200m}, limits: {cpu: 100m, memory: 192Mi}}'"
                    + " | spec.template.spec.containers[0].resources.limits.cpu 100m is below the request 200m"
                    + " (Kubernetes rejects such a pod)",
            "no memory limit | '{requests: {cpu: 100m}, limits: {cpu: 100m}}'"
                    + " | spec.template.spec.containers[0].resources.limits.memory is missing"
                    + " (the rehearsal runs each pod inside its memory limit)",
            "a bad quantity | '{requests: {cpu: lots}, limits: {cpu: 100m, memory: 1Gi}}'"
                    + " | spec.template.spec.containers[0].resources.requests.cpu 'lots' is not a CPU quantity above"
                    + " zero (e.g. 100m or 0.5)"})
    void aPodTemplateTheRehearsalCannotRunIsNamedByFileAndField(String what, String resources, String message)
            throws Exception {
        Path deployment = deployment(resources);
        assertThatThrownBy(() -> Manifests.readPodTemplate(deployment, env())).isInstanceOf(ExperimentException.class)
                .hasMessage(deployment + ": " + message);
    }

    @Test
    void notYamlOrNoSuchObjectIsOneLine() throws Exception {
        Path broken = write("hpa.yaml", "spec: [unclosed\n");
        assertThatThrownBy(() -> Manifests.readAutoscaler(broken, env())).hasMessageStartingWith(broken + ": not valid YAML:")
                .hasMessageNotContaining("\n");
        Path service = write("service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n");
        assertThatThrownBy(() -> Manifests.readPodTemplate(service, env()))
                .hasMessage(service + ": no Deployment in the file");
        assertThatThrownBy(() -> EnvFile.read(dir.resolve("missing.env")))
                .hasMessage("env file " + dir.resolve("missing.env") + " does not exist");
    }

    private EnvFile env() throws Exception {
        return EnvFile.read(write(".env", "ENV=test\n"));
    }

    /** An autoscaling/v2 HPA of at most 4 replicas, with one more line of its spec. */
    private Path autoscaler(String specLine) throws Exception {
        return write("hpa.yaml", """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: todo-api}
                spec:
                  maxReplicas: 4
                  %s
                """.formatted(specLine));
    }

    /** A Deployment of one container with these resources (a YAML flow mapping) and nothing else. */
    private Path deployment(String resources) throws Exception {
        return write("deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: todo-api}
                spec:
                  template:
                    spec:
                      containers:
                        - name: todo-api
                          image: todo-api
                          resources: %s
                """.formatted(resources));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void emptyOptionalsAreAbsentFields() throws Exception {
        Path deployment = deployment("{requests: {cpu: \"0.1\"}, limits: {cpu: 1, memory: 100Mi}}");
        PodTemplate pod = Manifests.readPodTemplate(deployment, env());
        assertThat(pod.cpuRequestMillis()).isEqualTo(100);
        assertThat(pod.limits()).isEqualTo(new PodBudget("1", "100Mi"));
        assertThat(pod.readiness()).isEqualTo(Optional.empty());
        assertThat(pod.preStopSleep()).isZero();
        assertThat(pod.terminationGrace()).as("Kubernetes' default").isEqualTo(Duration.ofSeconds(30));
    }
}
