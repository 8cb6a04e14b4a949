package dev.todokube.bgkube.cluster;

import dev.todokube.bgkube.ClusterException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The cluster operations bg-kube needs, in one namespace, over fabric8's client: apply, wait with
 * progress and a diagnosis on failure, exec into a ready pod, reach a Service.
 */
public final class KubeCluster {

    /** On an HPA bg-kube pinned: its template's minReplicas. */
    public static final String PINNED_FROM = "bg-kube.todokube.dev/min-replicas-before-pin";
    /** The field manager of bg-kube's server-side applies. */
    public static final String FIELD_MANAGER = "bg-kube";
    /** Marks a Job bg-kube created, so a create repeated after a lost answer recognises its own Job. */
    private static final String RUN_LABEL = "bg-kube.todokube.dev/run";
    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;
    private static final int UNPROCESSABLE = 422;
    private static final int TAKE_OVER_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String namespace;
    private final PodExec podExec;
    private final PortForwarder portForwarder;
    private final Consumer<String> log;
    private final Duration pollInterval;
    private final Waiter waiter;
    private final ApiCalls api;
    private final Clock clock;

    /**
     * @param apiRetryWindow how long a call is repeated while the API server does not answer (or answers
     *     "try again"), e.g. through a control-plane upgrade
     */
    public KubeCluster(KubernetesClient client, String namespace, PodExec podExec, PortForwarder portForwarder,
            Consumer<String> log, Duration pollInterval, Duration apiRetryWindow, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.podExec = podExec;
        this.portForwarder = portForwarder;
        this.log = log;
        this.pollInterval = pollInterval;
        this.waiter = new Waiter(log, pollInterval);
        this.api = new ApiCalls(apiRetryWindow, log);
        this.clock = clock;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Server-side apply with field manager {@value #FIELD_MANAGER}, conflicts forced (the
     * templates are authoritative for the fields they set): creates the object, or sets the
     * fields the manifest sets, while fields other managers own (an HPA's replica count, a
     * controller's annotations, injected sidecars) stay; fields bg-kube set before and the
     * manifest no longer sets are removed, also those an earlier bg-kube (create-or-replace) or a
     * client-side {@code kubectl apply} wrote, whose fields the first apply takes over.
     */
    public void apply(HasMetadata object) {
        api.run("apply " + describe(object), () -> {
            takeOverEarlierAppliers(object);
            client.resource(object).inNamespace(namespace).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        });
        log.accept("applied " + describe(object));
    }

    /**
     * Before the first server-side apply of an object written by an earlier way of applying (see
     * {@link FieldOwnership}), moves those fields to bg-kube's apply entry, at the resourceVersion
     * read: a concurrent writer makes the patch fail (409, or 422 from the test operation) and the
     * apply is retried from a fresh read.
     */
    private void takeOverEarlierAppliers(HasMetadata object) {
        for (int attempt = 1; ; attempt++) {
            HasMetadata current = client.resource(object).inNamespace(namespace).get();
            if (current == null || current.getMetadata().getManagedFields() == null) {
                return;
            }
            List<ManagedFieldsEntry> entries = current.getMetadata().getManagedFields();
            Optional<List<ManagedFieldsEntry>> taken = FieldOwnership.takeOver(entries, FIELD_MANAGER,
                    object.getApiVersion(), clock.instant());
            if (taken.isEmpty()) {
                return;
            }
            List<Map<String, Object>> patch = List.of(
                    Map.of("op", "test", "path", "/metadata/resourceVersion", "value",
                            current.getMetadata().getResourceVersion()),
                    Map.of("op", "replace", "path", "/metadata/managedFields", "value", taken.get()));
            try {
                client.resource(current).inNamespace(namespace).patch(PatchContext.of(PatchType.JSON),
                        client.getKubernetesSerialization().asJson(patch));
            } catch (KubernetesClientException e) {
                // Changed by someone else since the read (a conflict, or the test operation failed): read again.
                if ((e.getCode() == CONFLICT || e.getCode() == UNPROCESSABLE) && attempt < TAKE_OVER_ATTEMPTS) {
                    continue;
                }
                throw e;
            }
            log.accept("took over the fields of " + describe(object) + " that " + String.join(", ",
                    FieldOwnership.earlierAppliers(entries)) + " wrote: those the template no longer sets go now");
            return;
        }
    }

    /**
     * Jobs cannot be updated: delete the previous run of the same name, then create. A create repeated
     * after a lost answer finds its own Job (by a label) and takes it.
     */
    public void recreate(Job job, Duration timeout) {
        String name = job.getMetadata().getName();
        String run = UUID.randomUUID().toString();
        Job labelled = new JobBuilder(job).editMetadata()
                .addToLabels(RUN_LABEL, run).endMetadata().build();
        Optional<Job> previous = job(name);
        if (previous.isPresent()) {
            api.run("delete job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
            waiter.await("previous job " + name + " to be deleted", timeout, () -> rawJob(name).isEmpty()
                    ? Waiter.Poll.done(name) : Waiter.Poll.pending("still present"), state -> "the job was not deleted");
        }
        api.run("create " + describe(job), () -> {
            try {
                client.resource(labelled).inNamespace(namespace).create();
            } catch (KubernetesClientException e) {
                boolean ours = e.getCode() == CONFLICT && rawJob(name).map(j -> j.getMetadata().getLabels())
                        .map(labels -> run.equals(labels.get(RUN_LABEL))).orElse(false);
                if (!ours) {
                    throw e;
                }
            }
        });
        log.accept("created " + describe(job));
    }

    public Optional<Service> service(String name) {
        return api.call("read service " + name,
                () -> Optional.ofNullable(client.services().inNamespace(namespace).withName(name).get()));
    }

    public Optional<Deployment> deployment(String name) {
        return api.call("read deployment " + name, () -> rawDeployment(name));
    }

    private Optional<Deployment> rawDeployment(String name) {
        return Optional.ofNullable(client.apps().deployments().inNamespace(namespace).withName(name).get());
    }

    private Optional<Job> job(String name) {
        return api.call("read job " + name, () -> rawJob(name));
    }

    private Optional<Job> rawJob(String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    }

    /** HPAs in the namespace that scale the named Deployment. */
    public List<HorizontalPodAutoscaler> autoscalersOf(String deployment) {
        return api.call("list horizontalpodautoscalers", () -> client.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace).list().getItems()).stream()
                .filter(h -> h.getSpec() != null && h.getSpec().getScaleTargetRef() != null
                        && "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())
                        && deployment.equals(h.getSpec().getScaleTargetRef().getName()))
                .toList();
    }

    /** Deletes the object; one that is gone already counts as deleted (a repeated delete). */
    public void delete(HasMetadata object) {
        api.run("delete " + describe(object), () -> {
            try {
                client.resource(object).inNamespace(namespace).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != NOT_FOUND) {
                    throw e;
                }
            }
        });
        log.accept("deleted " + describe(object));
    }

    /**
     * Takes the Lease {@code name} in this namespace, or refuses with who holds it; the caller
     * closes it to release it. See {@link ClusterLock}.
     */
    public ClusterLock lock(String name, String holder, Duration duration) {
        return ClusterLock.acquire(client, namespace, name, holder, duration, pollInterval, clock, log, api);
    }

    /** The annotations of the Lease {@code name}; empty when it does not exist (read without taking it). */
    public Optional<LeaseView> lease(String name) {
        return api.call("read lease " + name, () -> Optional.ofNullable(
                client.leases().inNamespace(namespace).withName(name).get())).map(LeaseView::of);
    }

    /**
     * Sets and removes annotations of a Service in place: a merge patch of its annotations only (no
     * resourceVersion), so it does not conflict with a controller updating the Service's status
     * meanwhile, and repeating it changes nothing. Nothing when the Service does not exist.
     */
    public void annotateService(String name, Map<String, String> set, Set<String> remove) {
        if (service(name).isPresent()) {
            api.run("annotate service " + name, () -> client.services().inNamespace(namespace).withName(name)
                    .patch(mergePatch(), annotationPatch(set, remove, Map.of())));
        }
    }

    /** Sets and removes annotations of a Deployment (nothing when it does not exist). */
    public void annotateDeployment(String name, Map<String, String> set, Set<String> remove) {
        if (deployment(name).isPresent()) {
            api.run("annotate deployment " + name, () -> client.apps().deployments().inNamespace(namespace).withName(name)
                    .patch(mergePatch(), annotationPatch(set, remove, Map.of())));
        }
    }

    /** A JSON merge patch by bg-kube's field manager: idempotent, unlike a JSON patch's "remove". */
    private static PatchContext mergePatch() {
        PatchContext context = PatchContext.of(PatchType.JSON_MERGE);
        context.setFieldManager(FIELD_MANAGER);
        return context;
    }

    /** A merge patch setting and removing (null) annotations, and setting the {@code spec} fields given. */
    private String annotationPatch(Map<String, String> set, Set<String> remove, Map<String, Object> spec) {
        Map<String, Object> annotations = new TreeMap<>();
        remove.forEach(key -> annotations.put(key, null));
        annotations.putAll(set);
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", Map.of("annotations", annotations));
        if (!spec.isEmpty()) {
            patch.put("spec", spec);
        }
        return client.getKubernetesSerialization().asJson(patch);
    }

    /**
     * Raises the minReplicas of the Deployment's HPAs to its replica count now, so an idle color
     * keeps its size for a rollback; the template's minimum is kept in an annotation for
     * {@link #unpinAutoscalers}.
     */
    public void pinAutoscalers(String deployment) {
        int replicas = deployment(deployment).map(d -> d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas())
                .orElse(0);
        for (HorizontalPodAutoscaler hpa : autoscalersOf(deployment)) {
            int min = Optional.ofNullable(hpa.getSpec().getMinReplicas()).orElse(1);
            int pinned = Math.min(hpa.getSpec().getMaxReplicas(), Math.max(min, replicas));
            if (pinned == min) {
                continue;
            }
            String original = Optional.ofNullable(hpa.getMetadata().getAnnotations()).map(a -> a.get(PINNED_FROM))
                    .orElse(String.valueOf(min));
            patchAutoscaler(hpa, original, pinned);
            log.accept("pinned horizontalpodautoscaler " + hpa.getMetadata().getName() + " at min " + pinned
                    + " (was " + min + ") while " + deployment + " is idle");
        }
    }

    /**
     * Forgets a pin without touching minReplicas: after the HPA template was applied again (a
     * new publish of that color), its minimum is the template's.
     */
    public void forgetPins(String deployment) {
        for (HorizontalPodAutoscaler hpa : autoscalersOf(deployment)) {
            if (Optional.ofNullable(hpa.getMetadata().getAnnotations()).map(a -> a.containsKey(PINNED_FROM)).orElse(false)) {
                String name = hpa.getMetadata().getName();
                api.run("annotate horizontalpodautoscaler " + name, () -> client.autoscaling().v2()
                        .horizontalPodAutoscalers().inNamespace(namespace).withName(name)
                        .patch(mergePatch(), annotationPatch(Map.of(), Set.of(PINNED_FROM), Map.of())));
            }
        }
    }

    /** Restores the minReplicas {@link #pinAutoscalers} raised. */
    public void unpinAutoscalers(String deployment) {
        for (HorizontalPodAutoscaler hpa : autoscalersOf(deployment)) {
            String original = Optional.ofNullable(hpa.getMetadata().getAnnotations()).map(a -> a.get(PINNED_FROM)).orElse(null);
            if (original == null) {
                continue;
            }
            patchAutoscaler(hpa, null, Integer.parseInt(original));
            log.accept("restored horizontalpodautoscaler " + hpa.getMetadata().getName() + " to min " + original);
        }
    }

    /** Sets minReplicas and records (or, with null, forgets) the template's minimum. */
    private void patchAutoscaler(HorizontalPodAutoscaler hpa, String pinnedFrom, int minReplicas) {
        String patch = annotationPatch(pinnedFrom == null ? Map.of() : Map.of(PINNED_FROM, pinnedFrom),
                pinnedFrom == null ? Set.of(PINNED_FROM) : Set.of(), Map.of("minReplicas", minReplicas));
        String name = hpa.getMetadata().getName();
        api.run("patch horizontalpodautoscaler " + name, () -> client.autoscaling().v2().horizontalPodAutoscalers()
                .inNamespace(namespace).withName(name).patch(mergePatch(), patch));
    }

    public void scale(String deployment, int replicas) {
        api.run("scale deployment " + deployment,
                () -> client.apps().deployments().inNamespace(namespace).withName(deployment).scale(replicas));
        log.accept("scaled deployment " + deployment + " to " + replicas);
    }

    /** The Deployment's desired replicas (1 when unset, as the API server defaults it). */
    public static int replicas(Deployment deployment) {
        return deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    }

    /** Ready, running pods of a Deployment (its selector's matchLabels), by name. */
    public List<Pod> readyPods(Deployment deployment) {
        return api.call("list pods of deployment " + deployment.getMetadata().getName(), () -> readyPodsOnce(deployment));
    }

    private List<Pod> readyPodsOnce(Deployment deployment) {
        return podsOf(deployment).stream().filter(KubeCluster::isReady)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    /** Why the Deployment's pods are not ready, from their states and events (a crash loop, an OOM kill). */
    public String diagnose(String deploymentName) {
        return api.call("read deployment " + deploymentName, () -> rawDeployment(deploymentName)
                .map(d -> Diagnosis.of(podsOf(d), eventsAbout(d, podsOf(d)))).orElse("the deployment does not exist"));
    }

    /**
     * Waits until the Deployment is fully available (all desired replicas updated and available, the
     * latest generation observed) and, when a tag is given, a ready pod runs an image with that tag.
     */
    public void awaitDeployment(String name, Optional<String> tag, Duration timeout) {
        waiter.await("deployment " + name, timeout, () -> {
            Deployment d = rawDeployment(name).orElse(null);
            if (d == null) {
                return Waiter.Poll.pending("not found");
            }
            int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            var status = d.getStatus();
            int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
            int available = status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
            int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
            boolean observed = status != null && (status.getObservedGeneration() == null
                    || d.getMetadata().getGeneration() == null
                    || status.getObservedGeneration() >= d.getMetadata().getGeneration());
            String state = ready + "/" + desired + " ready";
            if (!observed || updated < desired || available < desired) {
                return Waiter.Poll.pending(state);
            }
            if (tag.isEmpty()) {
                return Waiter.Poll.done(d);
            }
            boolean tagged = readyPodsOnce(d).stream().anyMatch(p -> runsTag(p, tag.get()));
            return tagged ? Waiter.Poll.done(d) : Waiter.Poll.pending(state + ", no ready pod with tag " + tag.get() + " yet");
        }, state -> rawDeployment(name).map(d -> Diagnosis.of(podsOf(d), eventsAbout(d, podsOf(d))))
                .orElse("the deployment does not exist"));
    }

    /** Waits until the Job has completed; fails at once when the Job reports failure. */
    public void awaitJob(String name, Duration timeout) {
        waiter.await("job " + name, timeout, () -> {
            Job job = rawJob(name).orElse(null);
            if (job == null) {
                return Waiter.Poll.pending("not found");
            }
            var status = job.getStatus();
            int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
            int succeeded = status == null || status.getSucceeded() == null ? 0 : status.getSucceeded();
            if (status != null) {
                for (JobCondition condition : status.getConditions() == null ? List.<JobCondition>of() : status.getConditions()) {
                    if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                        List<Pod> pods = jobPods(name);
                        throw new ClusterException("job " + name + " failed: " + condition.getReason()
                                + (condition.getMessage() == null ? "" : " (" + condition.getMessage() + ")")
                                + "; " + Diagnosis.of(pods, eventsAbout(job, pods)));
                    }
                }
                if (succeeded >= completions || isTrue(status.getConditions(), "Complete")) {
                    return Waiter.Poll.done(job);
                }
            }
            int active = status == null || status.getActive() == null ? 0 : status.getActive();
            return Waiter.Poll.pending(succeeded + "/" + completions + " succeeded, " + active + " active");
        }, state -> {
            Job job = rawJob(name).orElse(null);
            List<Pod> pods = jobPods(name);
            return job == null ? "the job does not exist" : Diagnosis.of(pods, eventsAbout(job, pods));
        });
    }

    /** Waits until the Service exists and its selector contains every entry of {@code selector}. */
    public void awaitSelector(String serviceName, Map<String, String> selector, Duration timeout) {
        waiter.await("service " + serviceName + " to select " + new TreeMap<>(selector), timeout, () -> {
            Service service = client.services().inNamespace(namespace).withName(serviceName).get();
            if (service == null) {
                return Waiter.Poll.pending("not found");
            }
            Map<String, String> actual = service.getSpec().getSelector() == null ? Map.of() : service.getSpec().getSelector();
            return actual.entrySet().containsAll(selector.entrySet())
                    ? Waiter.Poll.done(service) : Waiter.Poll.pending("selects " + new TreeMap<>(actual));
        }, state -> "the service " + state + " (did something else change it, or reject bg-kube's update?)");
    }

    /**
     * An address for the Service's first port: its load balancer's, awaited up to the timeout; if it
     * is no LoadBalancer or gets no address, a port-forward to it.
     */
    public PortForwarder.Tunnel reach(String serviceName, Duration timeout) {
        Optional<String> address = loadBalancerAddress(serviceName, timeout);
        if (address.isPresent()) {
            return fixed(address.get());
        }
        return forwardToService(serviceName);
    }

    /**
     * The {@code host:port} of the Service's first port on its load balancer, awaited up to the
     * timeout; empty when it is no LoadBalancer or got no address in time (then said in the log).
     */
    public Optional<String> loadBalancerAddress(String serviceName, Duration timeout) {
        Service service = service(serviceName)
                .orElseThrow(() -> new ClusterException("service " + serviceName + " does not exist"));
        int port = firstPort(service);
        if (!"LoadBalancer".equals(service.getSpec().getType())) {
            return Optional.empty();
        }
        try {
            String host = waiter.await("external address of service " + serviceName, timeout, () -> {
                Optional<String> address = Optional.ofNullable(client.services().inNamespace(namespace)
                        .withName(serviceName).get()).flatMap(KubeCluster::ingressAddress);
                return address.map(Waiter.Poll::done).orElseGet(() -> Waiter.Poll.pending("pending"));
            }, state -> "no load balancer address was assigned");
            return Optional.of(host + ":" + port);
        } catch (ClusterException e) {
            log.accept(e.getMessage() + "; falling back to a port-forward");
            return Optional.empty();
        }
    }

    /** A port-forward to the Service's first port (one of its ready pods, as {@code kubectl port-forward svc/NAME}). */
    public PortForwarder.Tunnel forwardToService(String serviceName) {
        Service service = service(serviceName)
                .orElseThrow(() -> new ClusterException("service " + serviceName + " does not exist"));
        int port = firstPort(service);
        PortForwarder.Tunnel tunnel = portForwarder.open(namespace, serviceName, port);
        log.accept("port-forwarding " + tunnel.address() + " -> service " + serviceName + ":" + port);
        return tunnel;
    }

    private static int firstPort(Service service) {
        List<ServicePort> ports = service.getSpec().getPorts();
        if (ports == null || ports.isEmpty()) {
            throw new ClusterException("service " + service.getMetadata().getName() + " has no ports");
        }
        return ports.get(0).getPort();
    }

    /** An address reached directly: nothing to close. */
    private static PortForwarder.Tunnel fixed(String address) {
        return new PortForwarder.Tunnel() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public void close() {}
        };
    }

    /**
     * Tunnels to the container port named {@code portName} of each ready pod of the Deployment; the
     * caller closes them. Fails when no ready pod has such a port.
     */
    public List<PortForwarder.Tunnel> forwardToReadyPods(String deploymentName, String portName) {
        Map<String, Integer> ports = readyPodPorts(deploymentName, portName);
        if (ports.isEmpty()) {
            throw new ClusterException("no ready pod of deployment " + deploymentName + " has a container port named "
                    + portName);
        }
        List<PortForwarder.Tunnel> tunnels = new ArrayList<>();
        ports.forEach((pod, port) -> tunnels.add(forwardToPod(pod, port)));
        return tunnels;
    }

    /** The Deployment's ready pods that have a container port named {@code portName}: pod name to port number. */
    public Map<String, Integer> readyPodPorts(String deploymentName, String portName) {
        Deployment deployment = deployment(deploymentName)
                .orElseThrow(() -> new ClusterException("deployment " + deploymentName + " does not exist"));
        Map<String, Integer> ports = new TreeMap<>();
        for (Pod pod : readyPods(deployment)) {
            pod.getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                    .filter(p -> portName.equals(p.getName())).findFirst()
                    .ifPresent(port -> ports.put(pod.getMetadata().getName(), port.getContainerPort()));
        }
        return ports;
    }

    /** A port-forward to one pod's port. */
    public PortForwarder.Tunnel forwardToPod(String pod, int port) {
        return portForwarder.openPod(namespace, pod, port);
    }

    /** Runs a command in the Deployment's first ready pod, in its first container. */
    public PodExec.ExecResult execInReadyPod(Deployment deployment, List<String> command, Duration timeout) {
        Pod pod = readyPods(deployment).stream().findFirst().orElseThrow(() -> new ClusterException(
                "no ready pod of deployment " + deployment.getMetadata().getName() + " to run " + String.join(" ", command)));
        String container = pod.getSpec().getContainers().get(0).getName();
        log.accept("running in pod " + pod.getMetadata().getName() + ": " + String.join(" ", command));
        return podExec.exec(namespace, pod.getMetadata().getName(), container, command, timeout);
    }

    private List<Pod> podsOf(Deployment deployment) {
        Map<String, String> labels = deployment.getSpec().getSelector() == null ? null
                : deployment.getSpec().getSelector().getMatchLabels();
        if (labels == null || labels.isEmpty()) {
            return List.of();
        }
        return client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
    }

    private List<Pod> jobPods(String job) {
        return client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
    }

    private List<Event> eventsAbout(HasMetadata owner, List<Pod> pods) {
        Set<String> names = Stream.concat(Stream.of(owner.getMetadata().getName()),
                pods.stream().map(p -> p.getMetadata().getName())).collect(Collectors.toSet());
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getInvolvedObject() != null && names.contains(e.getInvolvedObject().getName()))
                .toList();
    }

    private static boolean isReady(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
                && "Running".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static boolean runsTag(Pod pod, String tag) {
        return pod.getSpec().getContainers().stream().map(Container::getImage)
                .anyMatch(image -> image != null && (image.endsWith(":" + tag) || image.contains(":" + tag + "@")));
    }

    private static boolean isTrue(List<JobCondition> conditions, String type) {
        return conditions != null && conditions.stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Optional<String> ingressAddress(Service service) {
        if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null
                || service.getStatus().getLoadBalancer().getIngress() == null) {
            return Optional.empty();
        }
        return service.getStatus().getLoadBalancer().getIngress().stream()
                .map(KubeCluster::hostOf).flatMap(Optional::stream).findFirst();
    }

    private static Optional<String> hostOf(LoadBalancerIngress ingress) {
        if (ingress.getIp() != null && !ingress.getIp().isBlank()) {
            return Optional.of(ingress.getIp());
        }
        return Optional.ofNullable(ingress.getHostname()).filter(h -> !h.isBlank());
    }

    static String describe(HasMetadata object) {
        return object.getKind().toLowerCase(Locale.ROOT) + " " + object.getMetadata().getName();
    }
}
