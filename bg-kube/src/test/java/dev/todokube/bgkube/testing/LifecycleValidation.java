package dev.todokube.bgkube.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one validation rule of the API server the mock enforces: a container's lifecycle handler
 * (preStop, postStart) has exactly one action; a second one is refused with 422 Invalid naming it
 * ("may not specify more than 1 handler type", checked in the API server's order exec, httpGet,
 * tcpSocket, sleep, so the later action is the one named). It is the rule a server-side apply
 * trips over when an old writer's {@code preStop.sleep} stays beside a new {@code preStop.exec}.
 */
final class LifecycleValidation {

    private static final List<String> ACTIONS = List.of("exec", "httpGet", "tcpSocket", "sleep");
    private static final List<String> HOOKS = List.of("postStart", "preStop");

    private LifecycleValidation() {
    }

    /** @throws StatusError 422 when a lifecycle handler has more than one action */
    static void validate(Map<String, Object> object) {
        String kind = String.valueOf(object.get("kind"));
        Optional<String> podSpecPath = switch (kind) {
            case "Pod" -> Optional.of("spec");
            case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "PodTemplate", "ReplicationController" ->
                    Optional.of("spec.template.spec");
            case "CronJob" -> Optional.of("spec.jobTemplate.spec.template.spec");
            default -> Optional.empty();
        };
        if (podSpecPath.isEmpty()) {
            return;
        }
        Optional<Map<String, Object>> podSpec = JsonTree.object(object, podSpecPath.get().split("\\."));
        if (podSpec.isEmpty()) {
            return;
        }
        List<StatusError.FieldError> errors = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            if (!(podSpec.get().get(list) instanceof List<?> containers)) {
                continue;
            }
            for (int i = 0; i < containers.size(); i++) {
                if (!(containers.get(i) instanceof Map<?, ?> container)
                        || !(container.get("lifecycle") instanceof Map<?, ?> lifecycle)) {
                    continue;
                }
                for (String hook : HOOKS) {
                    if (lifecycle.get(hook) instanceof Map<?, ?> handler) {
                        String path = podSpecPath.get() + "." + list + "[" + i + "].lifecycle." + hook;
                        ACTIONS.stream().filter(handler::containsKey).skip(1).forEach(action -> errors.add(
                                new StatusError.FieldError(path + "." + action, "Forbidden", "FieldValueForbidden",
                                        "may not specify more than 1 handler type")));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            String apiVersion = String.valueOf(object.get("apiVersion"));
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            String name = JsonTree.string(object, "metadata", "name").orElse("");
            throw StatusError.invalid(group.isEmpty() ? kind : kind + "." + group, name, errors);
        }
    }
}
