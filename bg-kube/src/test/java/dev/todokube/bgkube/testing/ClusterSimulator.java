package dev.todokube.bgkube.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the part of the cluster's controllers against the mock API server, polling every 50 ms:
 * makes Deployments available with ready pods (the pod template's labels and image), completes
 * Jobs, gives LoadBalancer Services an address. Each can be withheld or turned into a fault
 * (a pod waiting reason such as ImagePullBackOff, a failed Job) to simulate what goes wrong.
 */
public final class ClusterSimulator implements AutoCloseable {

    /** What happens to a Deployment's pods. */
    public sealed interface PodBehaviour permits Ready, Waiting, NoPods {}

    /** Pods become ready (the default). */
    public record Ready() implements PodBehaviour {}

    /** Pods stay unready with this container waiting reason and message, e.g. ImagePullBackOff. */
    public record Waiting(String reason, String message) implements PodBehaviour {}

    /** No pods are ever created (e.g. an exhausted quota). */
    public record NoPods() implements PodBehaviour {}

    /** What happens to a Job. */
    public sealed interface JobBehaviour permits Completes, Fails, Hangs {}

    public record Completes() implements JobBehaviour {}

    public record Fails(String reason, String message) implements JobBehaviour {}

    /** The Job's pod stays pending with this container waiting reason. */
    public record Hangs(String waitingReason) implements JobBehaviour {}

    private static final Duration POLL = Duration.ofMillis(50);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, PodBehaviour> podBehaviour = new ConcurrentHashMap<>();
    private final Map<String, JobBehaviour> jobBehaviour = new ConcurrentHashMap<>();
    private final Map<String, Boolean> withheldAddresses = new ConcurrentHashMap<>();
    private final Map<String, String> handledDeployments = new ConcurrentHashMap<>();
    private final Map<String, String> handledJobs = new ConcurrentHashMap<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger counter = new AtomicInteger();
    private final Object loopLock = new Object();
    private final Thread loop;

    ClusterSimulator(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.loop = new Thread(this::run, "cluster-simulator");
        loop.setDaemon(true);
        loop.start();
    }

    public void podsOf(String deployment, PodBehaviour behaviour) {
        podBehaviour.put(deployment, behaviour);
    }

    public void job(String job, JobBehaviour behaviour) {
        jobBehaviour.put(job, behaviour);
    }

    public void withholdAddress(String service) {
        withheldAddresses.put(service, true);
    }

    /** Records a Warning event about an object, as the kubelet or a controller would. */
    public void warningEvent(String kind, String name, String reason, String message) {
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(name + "." + counter.incrementAndGet()).endMetadata()
                .withType("Warning").withReason(reason).withMessage(message)
                .withLastTimestamp(Instant.now().toString())
                .withNewInvolvedObject().withKind(kind).withName(name).withNamespace(namespace).endInvolvedObject()
                .build()).create();
    }

    void resetBehaviour() {
        podBehaviour.clear();
        jobBehaviour.clear();
        withheldAddresses.clear();
        handledDeployments.clear();
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
                        // A test may delete objects while a pass runs; the next pass sees the new state.
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
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            String name = d.getMetadata().getName();
            String key = d.getMetadata().getGeneration() + "/" + (d.getStatus() == null ? "none" : "set");
            if (key.equals(handledDeployments.get(name))) {
                continue;
            }
            int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            PodBehaviour behaviour = podBehaviour.getOrDefault(name, new Ready());
            client.pods().inNamespace(namespace).withLabel("simulator/owner", name).delete();
            int ready = 0;
            if (!(behaviour instanceof NoPods)) {
                for (int i = 0; i < desired; i++) {
                    client.resource(pod(d.getSpec().getTemplate(), name + "-" + d.getMetadata().getGeneration() + "-" + i,
                            name, behaviour)).inNamespace(namespace).create();
                }
                ready = behaviour instanceof Ready ? desired : 0;
            }
            d.setStatus(new DeploymentStatusBuilder()
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(desired).withUpdatedReplicas(desired)
                    .withReadyReplicas(ready).withAvailableReplicas(ready).withUnavailableReplicas(desired - ready)
                    .build());
            client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
            // The generation reconciled, not the stored one: a spec change that raced this pass is handled next pass.
            handledDeployments.put(name, d.getMetadata().getGeneration() + "/set");
        }
    }

    private Pod pod(PodTemplateSpec template, String podName, String owner, PodBehaviour behaviour) {
        Map<String, String> labels = new HashMap<>(Objects.requireNonNullElse(template.getMetadata().getLabels(), Map.of()));
        labels.put("simulator/owner", owner);
        boolean ready = behaviour instanceof Ready;
        PodBuilder pod = new PodBuilder()
                .withNewMetadata().withName(podName).withLabels(labels).endMetadata()
                .withSpec(template.getSpec());
        var status = pod.withNewStatus()
                .withPhase(ready ? "Running" : "Pending")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition();
        for (var container : template.getSpec().getContainers()) {
            var containerStatus = new ContainerStatusBuilder().withName(container.getName()).withImage(container.getImage())
                    .withReady(ready).withRestartCount(0);
            if (behaviour instanceof Waiting waiting) {
                containerStatus.withNewState().withNewWaiting().withReason(waiting.reason()).withMessage(waiting.message())
                        .endWaiting().endState();
            } else {
                containerStatus.withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState();
            }
            status.addToContainerStatuses(containerStatus.build());
        }
        return status.endStatus().build();
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
            Pod pod = pod(job.getSpec().getTemplate(), name + "-" + counter.incrementAndGet(), name, podState);
            pod.getMetadata().getLabels().put("job-name", name);
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
