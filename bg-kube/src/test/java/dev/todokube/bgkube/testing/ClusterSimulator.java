package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Plays the part of the cluster's controllers and kubelet in one namespace, against the mock API
 * server, polling every 50 ms, as {@code kube-controller-manager} (its User-Agent, so its writes
 * are that field manager's): keeps each Deployment at its replica count with pods named as a
 * ReplicaSet names them (a changed pod template replaces them all, a changed replica count adds or
 * removes pods, a deleted pod is replaced by a new one after {@value #REPLACEMENT_DELAY_MS} ms),
 * and its status (ready, available, updated replicas) following its pods; completes Jobs; gives
 * LoadBalancer Services an address. Each can be withheld or turned into a fault: pods waiting with
 * a reason (ImagePullBackOff), no pods at all, pods that crash-loop after being ready, a failed Job.
 * A behaviour applies to the pods created after it is set, except that crash-looping also takes
 * the pods running already.
 */
public final class ClusterSimulator implements AutoCloseable {

    static final String USER_AGENT_PRODUCT = "kube-controller-manager";
    /** The User-Agent of the simulated controllers; the API server takes the field manager from its first word. */
    static final String USER_AGENT = USER_AGENT_PRODUCT + "/v1.31.0 (linux/amd64) kubernetes/mock";
    static final long REPLACEMENT_DELAY_MS = 500;

    /** What happens to a Deployment's pods. */
    public sealed interface PodBehaviour permits Ready, Waiting, NoPods, CrashLoop {}

    /** Pods become ready (the default). */
    public record Ready() implements PodBehaviour {}

    /** Pods stay unready with this container waiting reason and message, e.g. ImagePullBackOff. */
    public record Waiting(String reason, String message) implements PodBehaviour {}

    /** No pods are ever created (e.g. an exhausted quota). */
    public record NoPods() implements PodBehaviour {}

    /**
     * Pods become ready; {@code after} that, each crash-loops: unready, its containers waiting in
     * CrashLoopBackOff with the restart count rising every second and the last state terminated
     * with the termination's reason and exit code.
     */
    public record CrashLoop(Duration after, Termination termination) implements PodBehaviour {}

    /** How a crash-looping container last ended. */
    public enum Termination {
        OOM_KILLED("OOMKilled", 137), ERROR("Error", 1);

        private final String reason;
        private final int exitCode;

        Termination(String reason, int exitCode) {
            this.reason = reason;
            this.exitCode = exitCode;
        }
    }

    /** What happens to a Job. */
    public sealed interface JobBehaviour permits Completes, Fails, Hangs {}

    public record Completes() implements JobBehaviour {}

    public record Fails(String reason, String message) implements JobBehaviour {}

    /** The Job's pod stays pending with this container waiting reason. */
    public record Hangs(String waitingReason) implements JobBehaviour {}

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration RESTART_EVERY = Duration.ofSeconds(1);
    private static final String OWNER = "simulator/owner";
    private static final String TEMPLATE_HASH = "pod-template-hash";
    /** The alphabet Kubernetes names generated objects with (no vowels, no look-alikes). */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final Map<String, PodBehaviour> podBehaviour = new ConcurrentHashMap<>();
    private final Map<String, JobBehaviour> jobBehaviour = new ConcurrentHashMap<>();
    private final Map<String, Boolean> withheldAddresses = new ConcurrentHashMap<>();
    private final Map<String, String> handledGenerations = new ConcurrentHashMap<>();
    private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
    private final Map<String, Instant> readySince = new ConcurrentHashMap<>();
    private final Map<String, String> handledJobs = new ConcurrentHashMap<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger counter = new AtomicInteger();
    private final Object loopLock = new Object();
    private final Thread loop;

    ClusterSimulator(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.loop = new Thread(this::run, "cluster-simulator-" + namespace);
        loop.setDaemon(true);
        loop.start();
    }

    public void podsOf(String deployment, PodBehaviour behaviour) {
        podBehaviour.put(deployment, behaviour);
    }

    /** From now on the Deployment's pods, the running ones too, crash-loop. */
    public void crashLoop(String deployment, Termination termination) {
        podsOf(deployment, new CrashLoop(Duration.ZERO, termination));
    }

    /** The Deployment's pods crash-loop once they have been ready for {@code after}. */
    public void crashLoopAfter(String deployment, Duration after, Termination termination) {
        podsOf(deployment, new CrashLoop(after, termination));
    }

    public void job(String job, JobBehaviour behaviour) {
        jobBehaviour.put(job, behaviour);
    }

    public void withholdAddress(String service) {
        withheldAddresses.put(service, true);
    }

    /** The Deployment's pods, by name. */
    public List<Pod> pods(String deployment) {
        return client.pods().inNamespace(namespace).withLabel(OWNER, deployment).list().getItems().stream()
                .filter(p -> p.getMetadata().getLabels().containsKey(TEMPLATE_HASH))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    /**
     * Deletes one pod of the Deployment (the first by name), as a node failure or an eviction
     * would; the Deployment replaces it with a new pod of a new name after a short delay.
     *
     * @return the name of the deleted pod
     */
    public String deletePod(String deployment) {
        Pod pod = pods(deployment).stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "deployment " + deployment + " in namespace " + namespace + " has no pod to delete"));
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
        return pod.getMetadata().getName();
    }

    /**
     * What the HorizontalPodAutoscaler does: sets the Deployment's replicas through its scale
     * subresource (field manager {@code kube-controller-manager}, subresource scale) and records
     * the count in the status of the HPAs that target it.
     */
    public void autoscale(String deployment, int replicas) {
        client.apps().deployments().inNamespace(namespace).withName(deployment).scale(replicas);
        for (HorizontalPodAutoscaler hpa : client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace)
                .list().getItems()) {
            if (hpa.getSpec() != null && hpa.getSpec().getScaleTargetRef() != null
                    && deployment.equals(hpa.getSpec().getScaleTargetRef().getName())) {
                hpa.setStatus(new HorizontalPodAutoscalerStatusBuilder().withCurrentReplicas(replicas)
                        .withDesiredReplicas(replicas).withLastScaleTime(clock.instant().toString()).build());
                client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).resource(hpa).updateStatus();
            }
        }
    }

    /** Records a Warning event about an object, as the kubelet or a controller would. */
    public void warningEvent(String kind, String name, String reason, String message) {
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(name + "." + counter.incrementAndGet()).endMetadata()
                .withType("Warning").withReason(reason).withMessage(message)
                .withLastTimestamp(clock.instant().toString())
                .withNewInvolvedObject().withKind(kind).withName(name).withNamespace(namespace).endInvolvedObject()
                .build()).create();
    }

    void resetBehaviour() {
        podBehaviour.clear();
        jobBehaviour.clear();
        withheldAddresses.clear();
        handledGenerations.clear();
        missingSince.clear();
        readySince.clear();
        handledJobs.clear();
    }

    /** Waits for a running reconcile pass to finish and stops new ones. */
    void pause() {
        synchronized (loopLock) {
            paused.set(true);
        }
    }

    void resume() {
        paused.set(false);
    }

    private void run() {
        while (running.get()) {
            synchronized (loopLock) {
                if (!paused.get()) {
                    try {
                        reconcileDeployments();
                        reconcileJobs();
                        reconcileServices();
                    } catch (RuntimeException e) {
                        // A test may delete objects, or take the API server away, while a pass runs;
                        // the next pass sees the new state.
                    }
                }
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reconcileDeployments() {
        List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).list().getItems();
        Map<String, List<Pod>> podsByOwner = client.pods().inNamespace(namespace).withLabel(TEMPLATE_HASH).list().getItems()
                .stream().collect(Collectors.groupingBy(p -> Objects.toString(p.getMetadata().getLabels().get(OWNER), "")));
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            List<Pod> pods = reconcilePods(d, podsByOwner.getOrDefault(name, List.of()));
            DeploymentStatus status = statusOf(d, pods);
            if (!status.equals(d.getStatus())) {
                d.setStatus(status);
                client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
            }
        }
        podsByOwner.forEach((owner, pods) -> {
            if (deployments.stream().noneMatch(d -> d.getMetadata().getName().equals(owner))) {
                pods.forEach(p -> client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete());
            }
        });
    }

    /** Brings the Deployment's pods to its template and replica count; returns the pods it has now. */
    private List<Pod> reconcilePods(Deployment d, List<Pod> existing) {
        String name = d.getMetadata().getName();
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        String hash = templateHash(d.getSpec().getTemplate());
        PodBehaviour behaviour = podBehaviour.getOrDefault(name, new Ready());
        List<Pod> pods = new ArrayList<>();
        for (Pod pod : existing.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList()) {
            boolean current = hash.equals(pod.getMetadata().getLabels().get(TEMPLATE_HASH));
            if (!current || behaviour instanceof NoPods || pods.size() >= desired) {
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
                readySince.remove(pod.getMetadata().getName());
            } else {
                pods.add(crashLoopIfDue(pod, behaviour));
            }
        }
        String generation = d.getMetadata().getUid() + "/" + d.getMetadata().getGeneration();
        boolean newGeneration = !generation.equals(handledGenerations.put(name, generation));
        if (pods.size() < desired && !(behaviour instanceof NoPods)) {
            // A scale-up or a new template gets pods at once; a pod that went missing is replaced after a delay.
            Instant since = missingSince.computeIfAbsent(name, n -> clock.instant());
            if (newGeneration || !clock.instant().isBefore(since.plusMillis(REPLACEMENT_DELAY_MS))) {
                while (pods.size() < desired) {
                    pods.add(client.resource(pod(d.getSpec().getTemplate(), name + "-" + hash + "-" + suffix(),
                            Map.of(OWNER, name, TEMPLATE_HASH, hash), behaviour)).inNamespace(namespace).create());
                }
                missingSince.remove(name);
            }
        } else {
            missingSince.remove(name);
        }
        return pods;
    }

    /** A crash-looping pod's next state: from ready to CrashLoopBackOff once due, then one restart more every second. */
    private Pod crashLoopIfDue(Pod pod, PodBehaviour behaviour) {
        String name = pod.getMetadata().getName();
        Instant ready = readySince.computeIfAbsent(name, n -> clock.instant());
        if (!(behaviour instanceof CrashLoop crash) || clock.instant().isBefore(ready.plus(crash.after()))) {
            return pod;
        }
        Instant crashedAt = ready.plus(crash.after());
        int restarts = 1 + (int) (Duration.between(crashedAt, clock.instant()).toMillis() / RESTART_EVERY.toMillis());
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (!statuses.isEmpty() && Objects.equals(statuses.get(0).getRestartCount(), restarts)) {
            return pod;
        }
        List<ContainerStatus> crashing = new ArrayList<>();
        for (ContainerStatus status : statuses) {
            crashing.add(new ContainerStatusBuilder(status).withReady(false).withStarted(false).withRestartCount(restarts)
                    .withState(new ContainerStateBuilder().withNewWaiting().withReason("CrashLoopBackOff")
                            .withMessage("back-off " + Math.min(300, 10 << Math.min(5, restarts - 1))
                                    + "s restarting failed container=" + status.getName() + " pod=" + name + "_" + namespace)
                            .endWaiting().build())
                    .withLastState(new ContainerStateBuilder().withNewTerminated().withReason(crash.termination().reason)
                            .withExitCode(crash.termination().exitCode).withStartedAt(crashedAt.toString())
                            .withFinishedAt(clock.instant().toString()).endTerminated().build())
                    .build());
        }
        Pod next = new PodBuilder(pod).editStatus().withContainerStatuses(crashing)
                .withConditions(condition("Ready", false), condition("ContainersReady", false)).endStatus().build();
        return client.pods().inNamespace(namespace).resource(next).updateStatus();
    }

    private static PodCondition condition(String type, boolean status) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withReason(status ? null : "ContainersNotReady").build();
    }

    private DeploymentStatus statusOf(Deployment d, List<Pod> pods) {
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        int ready = (int) pods.stream().filter(ClusterSimulator::isReady).count();
        return new DeploymentStatusBuilder()
                .withObservedGeneration(d.getMetadata().getGeneration())
                .withReplicas(pods.size()).withUpdatedReplicas(pods.size())
                .withReadyReplicas(ready).withAvailableReplicas(ready).withUnavailableReplicas(Math.max(0, desired - ready))
                .build();
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Pod pod(PodTemplateSpec template, String podName, Map<String, String> extraLabels, PodBehaviour behaviour) {
        Map<String, String> labels = new HashMap<>(Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of()));
        labels.putAll(extraLabels);
        boolean ready = behaviour instanceof Ready || behaviour instanceof CrashLoop;
        PodBuilder pod = new PodBuilder()
                .withNewMetadata().withName(podName).withLabels(labels).endMetadata()
                .withSpec(template.getSpec());
        var status = pod.withNewStatus()
                .withPhase(ready ? "Running" : "Pending")
                .addToConditions(condition("Ready", ready));
        for (var container : template.getSpec().getContainers()) {
            var containerStatus = new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
                    .withReady(ready).withRestartCount(0);
            if (behaviour instanceof Waiting waiting) {
                containerStatus.withNewState().withNewWaiting().withReason(waiting.reason()).withMessage(waiting.message())
                        .endWaiting().endState();
            } else {
                containerStatus.withNewState().withNewRunning().withStartedAt(clock.instant().toString()).endRunning().endState();
            }
            status.addToContainerStatuses(containerStatus.build());
        }
        return status.endStatus().build();
    }

    /** A stable hash of the pod template, in the alphabet of a ReplicaSet's pod-template-hash. */
    private static String templateHash(PodTemplateSpec template) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JsonTree.write(template).getBytes(StandardCharsets.UTF_8));
            StringBuilder hash = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                hash.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
            }
            return hash.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new five-character pod name suffix. */
    private String suffix() {
        int n = counter.incrementAndGet();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(n % ALPHABET.length()));
            n /= ALPHABET.length();
        }
        return suffix.toString();
    }

    private void reconcileJobs() {
        for (Job job : client.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
            String name = job.getMetadata().getName();
            String uid = Objects.toString(job.getMetadata().getUid(), "") + job.getMetadata().getCreationTimestamp();
            if (uid.equals(handledJobs.get(name))) {
                continue;
            }
            handledJobs.put(name, uid);
            JobBehaviour behaviour = jobBehaviour.getOrDefault(name, new Completes());
            PodBehaviour podState = behaviour instanceof Hangs hangs
                    ? new Waiting(hangs.waitingReason(), "simulated") : new Ready();
            Pod pod = pod(job.getSpec().getTemplate(), name + "-" + suffix(), Map.of(OWNER, name, "job-name", name), podState);
            if (behaviour instanceof Fails) {
                pod.getStatus().setPhase("Failed");
            } else if (behaviour instanceof Completes) {
                pod.getStatus().setPhase("Succeeded");
            }
            client.resource(pod).inNamespace(namespace).create();
            JobStatusBuilder status = new JobStatusBuilder();
            if (behaviour instanceof Completes) {
                status.withSucceeded(1).withConditions(List.of(new JobConditionBuilder()
                        .withType("Complete").withStatus("True").build()));
            } else if (behaviour instanceof Fails fails) {
                status.withFailed(1).withConditions(List.of(new JobConditionBuilder()
                        .withType("Failed").withStatus("True").withReason(fails.reason()).withMessage(fails.message()).build()));
            } else {
                status.withActive(1);
            }
            job.setStatus(status.build());
            client.batch().v1().jobs().inNamespace(namespace).resource(job).updateStatus();
        }
    }

    private void reconcileServices() {
        for (Service service : client.services().inNamespace(namespace).list().getItems()) {
            String name = service.getMetadata().getName();
            boolean hasAddress = service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                    && service.getStatus().getLoadBalancer().getIngress() != null
                    && !service.getStatus().getLoadBalancer().getIngress().isEmpty();
            if (!"LoadBalancer".equals(service.getSpec().getType()) || hasAddress || withheldAddresses.containsKey(name)) {
                continue;
            }
            service.setStatus(new ServiceStatusBuilder().withNewLoadBalancer()
                    .withIngress(new LoadBalancerIngressBuilder().withIp("10.96.0." + (counter.incrementAndGet() % 250 + 1)).build())
                    .endLoadBalancer().build());
            client.services().inNamespace(namespace).resource(service).updateStatus();
        }
    }

    @Override
    public void close() {
        running.set(false);
        loop.interrupt();
    }
}
