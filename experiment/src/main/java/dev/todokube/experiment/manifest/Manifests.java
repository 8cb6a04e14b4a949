package dev.todokube.experiment.manifest;

import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.ScalingPolicy;
import dev.todokube.experiment.autoscale.ScalingRules;
import dev.todokube.experiment.service.PodBudget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads the project's HorizontalPodAutoscaler and Deployment manifests, with the env file that fills
 * their variables, into what the rehearsal runs. What it cannot rehearse faithfully (a metric other
 * than CPU utilisation, a pod without a CPU request, a limit below the request) is refused with one
 * line naming the file and the field.
 */
public final class Manifests {

    /** Kubernetes' default when an autoscaling/v2 HPA lists no metric, and autoscaling/v1's. */
    private static final int DEFAULT_CPU_TARGET = 80;
    private static final String CONTAINER = "spec.template.spec.containers[0]";

    private Manifests() {
    }

    /** The HPA (autoscaling/v2, or v1's targetCPUUtilizationPercentage); behaviour defaults as Kubernetes'. */
    public static AutoscalerSpec readAutoscaler(Path file, EnvFile env) {
        Manifest hpa = Manifest.read(file, "HorizontalPodAutoscaler", env);
        int min = hpa.integer("spec.minReplicas", 1);
        int max = hpa.integer("spec.maxReplicas").orElseThrow(() -> hpa.problem("spec.maxReplicas", "is missing"));
        if (min < 1) {
            throw hpa.problem("spec.minReplicas", "is " + min + "; the rehearsal scales from at least 1 replica");
        }
        if (max < min) {
            throw hpa.problem("spec.maxReplicas", "is " + max + ", below spec.minReplicas " + min);
        }
        int target = hpa.node("apiVersion").asText().equals("autoscaling/v1")
                ? hpa.integer("spec.targetCPUUtilizationPercentage", DEFAULT_CPU_TARGET)
                : cpuTarget(hpa);
        if (target < 1) {
            throw hpa.problem("spec.metrics[0].resource.target.averageUtilization", "must be at least 1");
        }
        ScalingRules up = rules(hpa, "spec.behavior.scaleUp", ScalingRules.defaultScaleUp());
        ScalingRules down = rules(hpa, "spec.behavior.scaleDown", ScalingRules.defaultScaleDown());
        return new AutoscalerSpec(min, max, target, up, down);
    }

    /** The Deployment's single container: its CPU request and limits, environment, readiness probe and drain. */
    public static PodTemplate readPodTemplate(Path file, EnvFile env) {
        Manifest deployment = Manifest.read(file, "Deployment", env);
        int containers = deployment.size("spec.template.spec.containers");
        if (containers != 1) {
            throw deployment.problem("spec.template.spec.containers", "has " + containers
                    + " containers; the rehearsal runs pods of exactly one");
        }
        String requestField = CONTAINER + ".resources.requests.cpu";
        String request = deployment.requiredText(requestField,
                "the HPA measures utilisation as CPU used over this request");
        long requestMillis = cpuMillis(deployment, requestField, request);
        String limitField = CONTAINER + ".resources.limits.cpu";
        String cpuLimit = deployment.requiredText(limitField, "the rehearsal runs each pod inside its CPU limit");
        long limitMillis = cpuMillis(deployment, limitField, cpuLimit);
        if (limitMillis < requestMillis) {
            throw deployment.problem(limitField, cpuLimit + " is below the request " + request
                    + " (Kubernetes rejects such a pod)");
        }
        String memoryField = CONTAINER + ".resources.limits.memory";
        String memory = deployment.requiredText(memoryField, "the rehearsal runs each pod inside its memory limit");
        if (!PodBudget.isMemory(memory)) {
            throw deployment.problem(memoryField, "'" + memory + "' is not a memory quantity (e.g. 192Mi)");
        }
        return new PodTemplate(requestMillis, new PodBudget(cpuLimit, memory), environment(deployment),
                readiness(deployment), preStopSleep(deployment),
                Duration.ofSeconds(deployment.integer("spec.template.spec.terminationGracePeriodSeconds", 30)));
    }

    private static int cpuTarget(Manifest hpa) {
        int metrics = hpa.size("spec.metrics");
        if (metrics == 0) {
            return DEFAULT_CPU_TARGET;
        }
        if (metrics > 1) {
            throw hpa.problem("spec.metrics", "lists " + metrics + " metrics; the rehearsal follows one, CPU utilisation");
        }
        String type = hpa.text("spec.metrics[0].type").orElse("");
        String resource = hpa.text("spec.metrics[0].resource.name").orElse("");
        if (!type.equals("Resource") || !resource.equals("cpu")) {
            throw hpa.problem("spec.metrics[0]", "is a " + (type.equals("Resource") ? "Resource " + resource : type)
                    + " metric; the rehearsal measures only Resource cpu");
        }
        String targetType = hpa.text("spec.metrics[0].resource.target.type").orElse("");
        if (!targetType.equals("Utilization")) {
            throw hpa.problem("spec.metrics[0].resource.target.type", "is '" + targetType
                    + "'; the rehearsal follows a Utilization target");
        }
        return hpa.integer("spec.metrics[0].resource.target.averageUtilization")
                .orElseThrow(() -> hpa.problem("spec.metrics[0].resource.target.averageUtilization", "is missing"));
    }

    private static ScalingRules rules(Manifest hpa, String path, ScalingRules defaults) {
        if (!hpa.has(path)) {
            return defaults;
        }
        OptionalInt window = hpa.integer(path + ".stabilizationWindowSeconds");
        if (window.isPresent() && (window.getAsInt() < 0 || window.getAsInt() > 3600)) {
            throw hpa.problem(path + ".stabilizationWindowSeconds", "must be 0 to 3600");
        }
        String select = hpa.text(path + ".selectPolicy").orElse("Max");
        ScalingRules.SelectPolicy selectPolicy = switch (select) {
            case "Max" -> ScalingRules.SelectPolicy.MAX;
            case "Min" -> ScalingRules.SelectPolicy.MIN;
            case "Disabled" -> ScalingRules.SelectPolicy.DISABLED;
            default -> throw hpa.problem(path + ".selectPolicy", "'" + select + "' is not Max, Min or Disabled");
        };
        List<ScalingPolicy> policies = new ArrayList<>();
        for (int i = 0; i < hpa.size(path + ".policies"); i++) {
            String policy = path + ".policies[" + i + "]";
            String type = hpa.requiredText(policy + ".type", "Pods or Percent");
            int value = hpa.integer(policy + ".value").orElseThrow(() -> hpa.problem(policy + ".value", "is missing"));
            int period = hpa.integer(policy + ".periodSeconds")
                    .orElseThrow(() -> hpa.problem(policy + ".periodSeconds", "is missing"));
            if (value < 1) {
                throw hpa.problem(policy + ".value", "must be at least 1");
            }
            if (period < 1 || period > 1800) {
                throw hpa.problem(policy + ".periodSeconds", "must be 1 to 1800");
            }
            policies.add(switch (type) {
                case "Pods" -> ScalingPolicy.pods(value, Duration.ofSeconds(period));
                case "Percent" -> ScalingPolicy.percent(value, Duration.ofSeconds(period));
                default -> throw hpa.problem(policy + ".type", "'" + type + "' is not Pods or Percent");
            });
        }
        return new ScalingRules(
                Duration.ofSeconds(window.orElse((int) defaults.stabilizationWindow().toSeconds())),
                selectPolicy, policies.isEmpty() ? defaults.policies() : policies);
    }

    private static long cpuMillis(Manifest manifest, String field, String quantity) {
        OptionalLong millis = PodBudget.cpuMillis(quantity);
        if (millis.isEmpty() || millis.getAsLong() == 0) {
            throw manifest.problem(field, "'" + quantity + "' is not a CPU quantity above zero (e.g. 100m or 0.5)");
        }
        return millis.getAsLong();
    }

    /** The container's env entries with a plain value; those from Secrets or fields are left to the rehearsal. */
    private static Map<String, String> environment(Manifest deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < deployment.size(CONTAINER + ".env"); i++) {
            String entry = CONTAINER + ".env[" + i + "]";
            Optional<String> value = deployment.text(entry + ".value");
            if (value.isPresent()) {
                env.put(deployment.requiredText(entry + ".name", "an env entry needs a name"), value.get());
            }
        }
        return env;
    }

    private static Optional<PodTemplate.ReadinessProbe> readiness(Manifest deployment) {
        String probe = CONTAINER + ".readinessProbe";
        if (!deployment.has(probe)) {
            return Optional.empty();
        }
        if (!deployment.has(probe + ".grpc")) {
            throw deployment.problem(probe, "is not a grpc probe; the rehearsal probes readiness over gRPC health");
        }
        return Optional.of(new PodTemplate.ReadinessProbe(deployment.text(probe + ".grpc.service").orElse(""),
                Duration.ofSeconds(deployment.integer(probe + ".periodSeconds", 10)),
                Duration.ofSeconds(deployment.integer(probe + ".timeoutSeconds", 1)),
                deployment.integer(probe + ".failureThreshold", 3)));
    }

    private static Duration preStopSleep(Manifest deployment) {
        String preStop = CONTAINER + ".lifecycle.preStop";
        if (!deployment.has(preStop)) {
            return Duration.ZERO;
        }
        String command = preStop + ".exec.command";
        if (deployment.size(command) == 2 && deployment.text(command + "[0]").orElse("").equals("sleep")) {
            int seconds = deployment.integer(command + "[1]").orElseThrow();
            return Duration.ofSeconds(seconds);
        }
        if (deployment.has(preStop + ".sleep.seconds")) {
            return Duration.ofSeconds(deployment.integer(preStop + ".sleep.seconds", 0));
        }
        throw deployment.problem(preStop, "is not an exec of [sleep, N] or a sleep action; the rehearsal waits, it runs no hook");
    }
}
