package dev.todokube.experiment.rehearsal;

import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.ControllerSettings;
import dev.todokube.experiment.autoscale.Decision;
import dev.todokube.experiment.autoscale.HorizontalPodAutoscaler;
import dev.todokube.experiment.autoscale.PodStatus;
import dev.todokube.experiment.manifest.PodTemplate;
import dev.todokube.experiment.service.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Deployment and its HorizontalPodAutoscaler on this machine: pods in their budgets (a
 * {@link ReplicaSet}), the Service's endpoints as a file the load generator resolves again whenever
 * a connection ends (at the server's max connection age), a metrics pipeline reading each pod's
 * cgroup, and the HPA's algorithm ({@link HorizontalPodAutoscaler}) every sync period. One thread
 * does it all once a second, as the kubelet, the endpoints controller and the HPA controller would.
 */
public final class Rehearsal {

    private static final Duration TICK = Duration.ofSeconds(1);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /**
     * What to rehearse.
     *
     * @param endpointsFile where the ready pods' addresses are written (the load generator's {@code --host file:})
     */
    public record Settings(AutoscalerSpec autoscaler, ControllerSettings controller, PodTemplate template,
                           PodLauncher launcher, Path endpointsFile, String podPrefix) {
    }

    /** A cgroup's CPU counter at a moment, to take a rate from the next reading. */
    private record Reading(Path cgroup, long usageNanos, long nanoTime) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final HorizontalPodAutoscaler hpa;
    private final ReplicaSet replicaSet;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "rehearsal");
        thread.setDaemon(true);
        return thread;
    });
    private final List<TimelinePoint> timeline = Collections.synchronizedList(new ArrayList<>());
    private final List<Decision> decisions = Collections.synchronizedList(new ArrayList<>());
    private final List<PodEvent> podEvents = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Reading> metricReadings = new HashMap<>();
    private final Map<String, Reading> secondReadings = new HashMap<>();
    private List<Endpoint> published = List.of();
    private volatile Instant autoscalingSince;
    private Instant nextSync;
    private RehearsalRecord record;

    private Rehearsal(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.hpa = new HorizontalPodAutoscaler(settings.autoscaler(), settings.controller());
        this.replicaSet = new ReplicaSet(settings.podPrefix(), settings.launcher(), settings.template(), this::podEvent);
    }

    /** A rehearsal with nothing started yet: whoever must stop it (a shutdown hook) can hold it before it starts. */
    public static Rehearsal prepare(Settings settings, PrintStream out) {
        return new Rehearsal(settings, out);
    }

    /**
     * Creates the Deployment at the HPA's minimum of replicas and starts the kubelet's work on its pods;
     * does nothing once stopped.
     */
    public synchronized void start() throws IOException {
        if (record != null) {
            return;
        }
        publish(List.of());
        replicaSet.scaleTo(settings.autoscaler().minReplicas(), Instant.now());
        loop.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until every pod of the Deployment is ready (a rollout's end) and returns their addresses.
     *
     * @throws IllegalStateException when they are not within {@code timeout}
     */
    public List<Endpoint> awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (replicaSet.readyCount() < replicaSet.replicas()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(replicaSet.readyCount() + " of " + replicaSet.replicas()
                        + " pods ready after " + timeout.toSeconds() + " s; their logs are in "
                        + settings.launcher().logs());
            }
            Thread.sleep(100);
        }
        return replicaSet.serving();
    }

    /** Starts the HPA: the metrics pipeline's first reading now, the first sync one period later. */
    public synchronized void autoscale() {
        if (record != null) {
            return;
        }
        loop.execute(() -> {
            Instant now = Instant.now();
            for (Pod pod : replicaSet.live()) {
                cpuSince(metricReadings, pod);
                cpuSince(secondReadings, pod);
            }
            nextSync = now.plus(settings.controller().syncPeriod());
            autoscalingSince = now;
            out.println(stamp(now) + " hpa  " + settings.autoscaler() + "; syncs every "
                    + settings.controller().syncPeriod().toSeconds() + " s");
        });
    }

    /**
     * Stops the HPA and every pod (SIGTERM, SIGKILL after {@code grace}) and returns the record; later
     * calls return the same record.
     */
    public synchronized RehearsalRecord stop(Duration grace) throws InterruptedException {
        if (record != null) {
            return record;
        }
        loop.shutdown();
        if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
            loop.shutdownNow();
        }
        replicaSet.stop(grace);
        record = new RehearsalRecord(settings.autoscaler(), settings.template().cpuRequestMillis(),
                settings.template().limits(), Optional.ofNullable(autoscalingSince), List.copyOf(timeline),
                List.copyOf(decisions), List.copyOf(podEvents), replicaSet.summaries());
        return record;
    }

    private void tick() {
        Instant now = Instant.now();
        try {
            replicaSet.tick(now);
            List<Endpoint> serving = replicaSet.serving();
            if (!serving.equals(published)) {
                publish(serving);
            }
            if (autoscalingSince != null) {
                sample(now);
                if (!now.isBefore(nextSync)) {
                    nextSync = nextSync.plus(settings.controller().syncPeriod());
                    sync(now);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The next tick tries again, as a controller's next sync would.
            out.println(stamp(now) + " rehearsal: " + e);
        }
    }

    /** One HPA sync: the metrics pipeline's samples over the last period, the decision, the scale. */
    private void sync(Instant now) throws IOException {
        List<PodStatus> pods = new ArrayList<>();
        for (Pod pod : replicaSet.live()) {
            pods.add(pod.status(cpuSince(metricReadings, pod).map(sample -> new PodStatus.CpuSample(
                    sample.millicores(), now, sample.window()))));
        }
        int current = replicaSet.replicas();
        Decision decision = hpa.sync(now, current, pods);
        decisions.add(decision);
        print(decision, pods);
        if (decision.rescaled()) {
            replicaSet.scaleTo(decision.desiredReplicas(), now);
        }
    }

    private void sample(Instant now) {
        Map<String, Integer> cpu = new LinkedHashMap<>();
        List<Pod> live = replicaSet.live();
        for (Pod pod : live) {
            cpuSince(secondReadings, pod).ifPresent(sample -> cpu.put(pod.name(),
                    (int) Math.round(sample.millicores() * 100.0 / settings.template().cpuRequestMillis())));
        }
        secondReadings.keySet().retainAll(live.stream().map(Pod::name).collect(Collectors.toSet()));
        metricReadings.keySet().retainAll(live.stream().map(Pod::name).collect(Collectors.toSet()));
        timeline.add(new TimelinePoint(now, replicaSet.replicas(), replicaSet.readyCount(), live.size(), cpu));
    }

    private record Usage(long millicores, Duration window) {
    }

    /** CPU used since this pod's last reading in {@code readings}; empty at the first reading of a cgroup. */
    private static Optional<Usage> cpuSince(Map<String, Reading> readings, Pod pod) {
        Optional<CgroupCpu> cgroup = pod.cgroup();
        if (cgroup.isEmpty()) {
            readings.remove(pod.name());
            return Optional.empty();
        }
        long usage;
        try {
            usage = cgroup.get().usageNanos();
        } catch (IOException | RuntimeException e) {
            readings.remove(pod.name());
            return Optional.empty();
        }
        long now = System.nanoTime();
        Reading previous = readings.put(pod.name(), new Reading(cgroup.get().usageFile(), usage, now));
        if (previous == null || !previous.cgroup().equals(cgroup.get().usageFile()) || now <= previous.nanoTime()) {
            return Optional.empty();
        }
        long millicores = (usage - previous.usageNanos()) * 1000 / (now - previous.nanoTime());
        return Optional.of(new Usage(millicores, Duration.ofNanos(now - previous.nanoTime())));
    }

    /** The Service's endpoints, replaced atomically so a resolving client reads the old list or the new. */
    private void publish(List<Endpoint> serving) throws IOException {
        Path file = settings.endpointsFile();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        String lines = serving.stream().map(endpoint -> endpoint + "\n").collect(Collectors.joining());
        Files.writeString(next, "# ready pods of the rehearsal, for loadtest --host file:" + file + "\n" + lines,
                StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        published = serving;
    }

    private void podEvent(Instant at, String pod, String message) {
        podEvents.add(new PodEvent(at, pod, message));
        out.println(stamp(at) + " pod  " + pod + ": " + message);
    }

    /** As {@code kubectl describe hpa} shows it: the metric against its target, the pods, and any event. */
    private void print(Decision decision, List<PodStatus> pods) {
        long ready = pods.stream().filter(pod -> pod.ready() && !pod.terminating()).count();
        String metric = decision.utilization().isPresent()
                ? decision.utilization().getAsInt() + "% (" + decision.averageMillicores().orElse(0) + "m)"
                : "<unknown>";
        out.println(stamp(decision.at()) + " hpa  cpu " + metric + " / " + settings.autoscaler().targetUtilization()
                + "%   pods " + decision.currentReplicas() + " current (" + ready + " ready) / "
                + decision.desiredReplicas() + " desired" + decision.limitedBy().map(limit -> "   " + limit).orElse(""));
        decision.event().ifPresent(event -> out.println(stamp(decision.at()) + " hpa  " + event.type() + "  "
                + event.reason() + "  " + event.message()));
    }

    private static String stamp(Instant at) {
        return "[" + CLOCK.format(at) + "]";
    }
}
