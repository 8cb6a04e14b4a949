package dev.todokube.experiment.rehearsal;

import dev.todokube.experiment.manifest.PodTemplate;
import dev.todokube.experiment.service.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Deployment's pods: as many as its replica count, created at once when it rises; when it
 * falls, deleted as a ReplicaSet picks them (pods not ready first, then the newest).
 */
final class ReplicaSet {

    private final String prefix;
    private final PodLauncher launcher;
    private final PodTemplate template;
    private final Pod.Events events;
    private final ExecutorService drains = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "pod-drain");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Pod> pods = new ArrayList<>();
    private int replicas;
    private int created;
    private boolean stopped;

    ReplicaSet(String prefix, PodLauncher launcher, PodTemplate template, Pod.Events events) {
        this.prefix = prefix;
        this.launcher = launcher;
        this.template = template;
        this.events = events;
    }

    synchronized int replicas() {
        return replicas;
    }

    synchronized void scaleTo(int target, Instant now) throws IOException {
        if (stopped) {
            return;
        }
        replicas = target;
        List<Pod> active = active();
        for (int i = active.size(); i < target; i++) {
            String name = prefix + "-" + ++created;
            pods.add(Pod.start(name, now, launcher, template, events));
            events.pod(now, name, "created");
        }
        active.stream()
                .sorted(Comparator.comparing(Pod::ready).thenComparing(Pod::created, Comparator.reverseOrder()))
                .limit(Math.max(0, active.size() - target))
                .forEach(pod -> pod.delete(now, drains));
    }

    /** The kubelet's pass over every pod. */
    synchronized void tick(Instant now) throws IOException {
        if (stopped) {
            return;
        }
        for (Pod pod : pods) {
            pod.tick(now);
        }
    }

    /** Pods not gone yet, terminating ones included (the HPA sees those too, and ignores them). */
    synchronized List<Pod> live() {
        return pods.stream().filter(pod -> !pod.gone()).toList();
    }

    synchronized int readyCount() {
        return (int) active().stream().filter(Pod::ready).count();
    }

    /** The addresses a Service would route to: ready pods not being deleted, oldest first. */
    synchronized List<Endpoint> serving() {
        return pods.stream().filter(Pod::serving).map(Pod::grpc).toList();
    }

    synchronized List<PodSummary> summaries() {
        return pods.stream().map(Pod::summary).toList();
    }

    /** Stops every pod at once (SIGTERM, SIGKILL after {@code grace}) and waits; no pod starts after this. */
    void stop(Duration grace) throws InterruptedException {
        List<Pod> all;
        synchronized (this) {
            stopped = true;
            all = List.copyOf(pods);
        }
        drains.shutdownNow();
        List<Thread> stopping = new ArrayList<>();
        for (Pod pod : all) {
            Thread thread = new Thread(() -> pod.stop(grace), "stop-" + pod.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            thread.join();
        }
    }

    private List<Pod> active() {
        return pods.stream().filter(pod -> !pod.gone() && !pod.terminating()).toList();
    }
}
