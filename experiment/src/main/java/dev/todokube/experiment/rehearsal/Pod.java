package dev.todokube.experiment.rehearsal;

import dev.todokube.experiment.autoscale.PodStatus;
import dev.todokube.experiment.manifest.PodTemplate;
import dev.todokube.experiment.service.Endpoint;
import dev.todokube.testkit.process.ChildProcess;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One pod of the rehearsal: a server process inside its own CPU quota and memory limit, on
 * loopback ports of its own, with the kubelet's share of the work done here: the readiness probe
 * (gRPC health, every period, with its timeout and failure threshold), a restart with back-off
 * when the container exits by itself, and the drain on deletion (preStop sleep, SIGTERM, SIGKILL
 * when the grace period ends).
 */
final class Pod {

    /** Where a pod's life is reported: the console and the rehearsal's record. */
    interface Events {
        void pod(Instant at, String pod, String message);
    }

    /** The kubelet's crash-loop back-off: 10 s, doubling, at most 5 minutes. */
    private static final Duration FIRST_BACK_OFF = Duration.ofSeconds(10);
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);

    private final String name;
    private final Instant created;
    private final PodLauncher launcher;
    private final PodTemplate template;
    private final Events events;

    private ChildProcess process;
    private Endpoint grpc;
    private ManagedChannel probeChannel;
    private Optional<CgroupCpu> cgroup = Optional.empty();
    private boolean ready;
    private Instant readyChanged;
    private Instant firstReady;
    private int failedProbes;
    private int readinessLost;
    private boolean probing;
    private Instant nextProbe;
    private int restarts;
    private Instant restartAt;
    private Instant deleted;
    private boolean gone;

    private Pod(String name, Instant created, PodLauncher launcher, PodTemplate template, Events events) {
        this.name = name;
        this.created = created;
        this.launcher = launcher;
        this.template = template;
        this.events = events;
        this.readyChanged = created;
    }

    /** Creates the pod and starts its container. */
    static Pod start(String name, Instant now, PodLauncher launcher, PodTemplate template, Events events)
            throws IOException {
        Pod pod = new Pod(name, now, launcher, template, events);
        synchronized (pod) {
            pod.startContainer(now);
        }
        return pod;
    }

    String name() {
        return name;
    }

    synchronized Instant created() {
        return created;
    }

    /** Listed in the Service's endpoints: ready, not being deleted. */
    synchronized boolean serving() {
        return ready && deleted == null && !gone;
    }

    synchronized boolean ready() {
        return ready;
    }

    synchronized boolean terminating() {
        return deleted != null && !gone;
    }

    synchronized boolean gone() {
        return gone;
    }

    synchronized Endpoint grpc() {
        return grpc;
    }

    synchronized PodSummary summary() {
        return new PodSummary(name, created, Optional.ofNullable(firstReady), Optional.ofNullable(deleted),
                readinessLost, restarts);
    }

    /** What the HPA sees of this pod, with the metrics pipeline's latest sample. */
    synchronized PodStatus status(Optional<PodStatus.CpuSample> cpu) {
        return new PodStatus(name, created, ready, readyChanged, deleted != null, template.cpuRequestMillis(), cpu);
    }

    /** The cgroup the running container is in, once its process has joined it. */
    synchronized Optional<CgroupCpu> cgroup() {
        if (cgroup.isEmpty() && process != null && process.isAlive()) {
            cgroup = process.handle().children().findFirst().flatMap(child -> CgroupCpu.of(child.pid()));
        }
        return cgroup;
    }

    /** The kubelet's pass over this pod: notice an exited container, restart it when due, probe readiness. */
    synchronized void tick(Instant now) throws IOException {
        if (gone || deleted != null) {
            return;
        }
        if (process != null && !process.isAlive()) {
            int code;
            try {
                code = process.waitFor(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            closeContainer();
            restarts++;
            Duration backOff = FIRST_BACK_OFF.multipliedBy(1L << Math.min(restarts - 1, 5));
            restartAt = now.plus(backOff.compareTo(MAX_BACK_OFF) > 0 ? MAX_BACK_OFF : backOff);
            setReady(now, false, "container exited with code " + code + (code == 137 ? " (SIGKILL: out of memory?)" : "")
                    + "; restarting in " + Duration.between(now, restartAt).toSeconds() + " s");
        }
        if (process == null && restartAt != null && !now.isBefore(restartAt)) {
            restartAt = null;
            startContainer(now);
            events.pod(now, name, "container restarted (restart " + restarts + ")");
        }
        if (process != null && !probing && !now.isBefore(nextProbe)) {
            probe(now);
        }
    }

    /**
     * Deletes the pod as the kubelet does: out of the endpoints at once, then the preStop sleep, SIGTERM,
     * and SIGKILL if it has not exited when the grace period (counted from the deletion) ends.
     */
    synchronized void delete(Instant now, Executor drains) {
        if (deleted != null || gone) {
            return;
        }
        deleted = now;
        events.pod(now, name, "deleted: preStop sleep " + template.preStopSleep().toSeconds() + " s, then SIGTERM; "
                + "grace " + template.terminationGrace().toSeconds() + " s");
        ChildProcess container = process;
        if (container == null) {
            finish(now, "gone (no container was running)");
            return;
        }
        drains.execute(() -> drain(container));
    }

    /** Ends the pod now: SIGTERM, then SIGKILL after {@code grace}; for the rehearsal's end. */
    void stop(Duration grace) {
        ChildProcess container;
        synchronized (this) {
            container = process;
        }
        if (container != null) {
            List<ProcessHandle> tree = container.handle().descendants().toList();
            try {
                if (container.isAlive()) {
                    container.terminate(grace);
                }
            } catch (IllegalStateException e) {
                events.pod(Instant.now(), name, "ignored SIGTERM for " + grace.toSeconds() + " s and was killed");
            } catch (InterruptedException e) {
                container.kill();
                Thread.currentThread().interrupt();
            } finally {
                container.close();
                killLeftovers(tree);
            }
        }
        synchronized (this) {
            closeContainer();
            gone = true;
        }
    }

    private void drain(ChildProcess container) {
        List<ProcessHandle> tree = container.handle().descendants().toList();
        try {
            Thread.sleep(template.preStopSleep().toMillis());
            Duration left = template.terminationGrace().minus(template.preStopSleep());
            int code = container.terminate(left.isNegative() ? Duration.ZERO : left);
            finish(Instant.now(), "exited with code " + code + " after SIGTERM");
        } catch (IllegalStateException e) {
            finish(Instant.now(), "killed at the end of its grace period");
        } catch (InterruptedException e) {
            container.kill();
            finish(Instant.now(), "killed (the rehearsal stopped)");
            Thread.currentThread().interrupt();
        } finally {
            container.close();
            killLeftovers(tree);
        }
    }

    /**
     * Kills what the pod started and left behind (a server started by a shell that did not pass the
     * signal on): as a container runtime ends every process of a stopped container.
     */
    private static void killLeftovers(List<ProcessHandle> tree) {
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private synchronized void finish(Instant now, String how) {
        closeContainer();
        gone = true;
        events.pod(now, name, how);
    }

    private void startContainer(Instant now) throws IOException {
        grpc = new Endpoint("127.0.0.1", PodPorts.free());
        Endpoint metrics = new Endpoint("127.0.0.1", PodPorts.free());
        Map<String, String> env = new LinkedHashMap<>(template.env());
        env.put("SERVER_HOST", grpc.host());
        env.put("SERVER_PORT", Integer.toString(grpc.port()));
        env.put("METRICS_PORT", Integer.toString(metrics.port()));
        process = launcher.start(name, restarts, env);
        cgroup = Optional.empty();
        probeChannel = NettyChannelBuilder.forAddress(grpc.host(), grpc.port()).usePlaintext().build();
        nextProbe = now;
        if (template.readiness().isEmpty()) {
            setReady(now, true, "running (no readiness probe: ready at once)");
        }
    }

    private void closeContainer() {
        probing = false;
        if (probeChannel != null) {
            probeChannel.shutdownNow();
            probeChannel = null;
        }
        if (process != null) {
            process.close();
            process = null;
        }
        cgroup = Optional.empty();
    }

    private void probe(Instant now) {
        PodTemplate.ReadinessProbe readiness = template.readiness().orElseThrow();
        nextProbe = now.plus(readiness.period());
        probing = true;
        ManagedChannel channel = probeChannel;
        HealthGrpc.newStub(channel).withDeadlineAfter(readiness.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(readiness.service()).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(HealthCheckResponse response) {
                                probed(channel, response.getStatus() == HealthCheckResponse.ServingStatus.SERVING,
                                        response.getStatus().toString());
                            }

                            @Override
                            public void onError(Throwable error) {
                                probed(channel, false, io.grpc.Status.fromThrowable(error).getCode().toString());
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
    }

    private synchronized void probed(ManagedChannel channel, boolean serving, String answer) {
        if (channel != probeChannel) {
            return;
        }
        probing = false;
        if (deleted != null) {
            return;
        }
        Instant now = Instant.now();
        if (serving) {
            failedProbes = 0;
            if (!ready) {
                setReady(now, true, firstReady != null ? "ready again" : "ready (" + String.format(Locale.ROOT, "%.1f",
                        Duration.between(created, now).toMillis() / 1000.0) + " s after it was created)");
            }
            return;
        }
        failedProbes++;
        if (ready && failedProbes >= template.readiness().orElseThrow().failureThreshold()) {
            setReady(now, false, "not ready: " + failedProbes + " readiness probes failed (" + answer + ")");
        }
    }

    private void setReady(Instant now, boolean value, String why) {
        if (ready != value) {
            ready = value;
            readyChanged = now;
            if (!value) {
                readinessLost++;
            }
        }
        if (value && firstReady == null) {
            firstReady = now;
        }
        events.pod(now, name, why);
    }
}
