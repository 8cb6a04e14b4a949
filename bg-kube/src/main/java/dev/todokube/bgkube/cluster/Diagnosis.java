package dev.todokube.bgkube.cluster;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/** Explains from pod states and events why something did not become ready. */
final class Diagnosis {

    private static final int MAX_EVENTS = 5;

    private Diagnosis() {}

    static String of(List<Pod> pods, List<Event> events) {
        List<String> parts = new ArrayList<>();
        if (pods.isEmpty()) {
            parts.add("no pods");
        }
        for (Pod pod : pods) {
            String problem = podProblem(pod);
            if (problem != null) {
                parts.add("pod " + pod.getMetadata().getName() + ": " + problem);
            }
        }
        List<String> recent = recentEvents(events);
        if (!recent.isEmpty()) {
            parts.add("recent events: " + String.join("; ", recent));
        }
        return parts.isEmpty() ? "no reason reported by the cluster" : String.join("; ", parts);
    }

    /** The first thing wrong with a pod, e.g. "container todo-api waiting: ImagePullBackOff (...)"; null if none. */
    static String podProblem(Pod pod) {
        if (pod.getStatus() == null) {
            return "no status yet";
        }
        List<ContainerStatus> statuses = Stream.concat(
                        nullSafe(pod.getStatus().getInitContainerStatuses()).stream(),
                        nullSafe(pod.getStatus().getContainerStatuses()).stream())
                .toList();
        for (ContainerStatus status : statuses) {
            if (Boolean.TRUE.equals(status.getReady())) {
                continue;
            }
            if (status.getState() != null && status.getState().getWaiting() != null) {
                ContainerStateWaiting waiting = status.getState().getWaiting();
                return "container " + status.getName() + " waiting: " + waiting.getReason() + detail(waiting.getMessage())
                        + restarts(status) + lastTermination(status);
            }
            if (status.getState() != null && status.getState().getTerminated() != null) {
                ContainerStateTerminated terminated = status.getState().getTerminated();
                return "container " + status.getName() + " terminated: " + terminated.getReason() + " (exit code "
                        + terminated.getExitCode() + ")" + detail(terminated.getMessage());
            }
            if (status.getState() != null && status.getState().getRunning() != null) {
                return "container " + status.getName() + " running but not ready (readiness probe failing?)" + restarts(status);
            }
        }
        for (PodCondition condition : nullSafe(pod.getStatus().getConditions())) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return "not scheduled: " + condition.getReason() + detail(condition.getMessage());
            }
        }
        if (!"Running".equals(pod.getStatus().getPhase()) && !"Succeeded".equals(pod.getStatus().getPhase())) {
            return "phase " + pod.getStatus().getPhase() + detail(pod.getStatus().getMessage());
        }
        return null;
    }

    private static List<String> recentEvents(List<Event> events) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Diagnosis::when, Comparator.nullsFirst(Comparator.naturalOrder())));
        List<Event> warnings = sorted.stream().filter(e -> "Warning".equals(e.getType())).toList();
        List<Event> chosen = warnings.isEmpty() ? sorted : warnings;
        return chosen.subList(Math.max(0, chosen.size() - MAX_EVENTS), chosen.size()).stream()
                .map(e -> e.getType() + " " + e.getReason() + " " + e.getInvolvedObject().getKind().toLowerCase(Locale.ROOT)
                        + "/" + e.getInvolvedObject().getName() + ": " + Objects.toString(e.getMessage(), "").strip())
                .toList();
    }

    private static String when(Event event) {
        if (event.getLastTimestamp() != null) {
            return event.getLastTimestamp();
        }
        if (event.getEventTime() != null) {
            return event.getEventTime().getTime();
        }
        return event.getMetadata() == null ? null : event.getMetadata().getCreationTimestamp();
    }

    private static String restarts(ContainerStatus status) {
        Integer count = status.getRestartCount();
        return count == null || count == 0 ? "" : ", " + count + " restarts";
    }

    private static String lastTermination(ContainerStatus status) {
        if (status.getLastState() == null || status.getLastState().getTerminated() == null) {
            return "";
        }
        ContainerStateTerminated last = status.getLastState().getTerminated();
        return ", last exit: " + last.getReason() + " (code " + last.getExitCode() + ")";
    }

    private static String detail(String message) {
        return message == null || message.isBlank() ? "" : " (" + message.strip() + ")";
    }

    private static <T> Collection<T> nullSafe(Collection<T> items) {
        return items == null ? List.of() : items;
    }
}
