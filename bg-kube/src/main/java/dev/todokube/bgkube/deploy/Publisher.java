package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.AnalysisFailedException;
import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.SmokeTestException;
import dev.todokube.bgkube.analysis.AnalysisPlan;
import dev.todokube.bgkube.analysis.AnalysisResult;
import dev.todokube.bgkube.analysis.Analyzer;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.MetricsScraper;
import dev.todokube.bgkube.analysis.MetricsWindow;
import dev.todokube.bgkube.analysis.ServerMetrics;
import dev.todokube.bgkube.analysis.Verdict;
import dev.todokube.bgkube.analysis.VerdictTable;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.cluster.PodExec;
import dev.todokube.bgkube.cluster.PortForwarder;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.image.ImageBuilder;
import dev.todokube.bgkube.image.ImageRef;
import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.template.RenderedManifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Plans and runs a blue/green publish: build, push, deploy the idle color, migrate, smoke test, swap. */
public final class Publisher {

    /** The container port the watch reads each pod's metrics from (todo-api's manifests name it so). */
    private static final String METRICS_PORT = "metrics";
    private static final Duration WATCH_SAMPLE = Duration.ofSeconds(5);

    /** Annotations are small; a long migration status output is cut. */
    private static final int MAX_ANNOTATION = 2000;

    private final Settings settings;
    private final ServiceManifests manifests;
    private final Optional<ImageBuilder> builder;
    private final CommandRunner localCommands;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Optional<Analyzer> analyzer;
    private final Consumer<String> log;

    /**
     * @param builder empty when the image exists already (publish --tag): no build, no push
     * @param analyzer runs the pre-promotion analysis; empty when the settings ask for none
     */
    public Publisher(Settings settings, ServiceManifests manifests, Optional<ImageBuilder> builder,
            CommandRunner localCommands, Sleeper sleeper, Clock clock, Optional<Analyzer> analyzer, Consumer<String> log) {
        this.settings = settings;
        this.manifests = manifests;
        this.builder = builder;
        this.localCommands = localCommands;
        this.sleeper = sleeper;
        this.clock = clock;
        this.analyzer = analyzer;
        this.log = log;
    }

    /** The color the public Service selects now; empty when it does not exist yet (first publish). */
    public static Optional<Color> liveColor(KubeCluster cluster, ServiceManifests manifests) {
        Optional<Service> service = cluster.service(manifests.serviceName());
        if (service.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> selector = Optional.ofNullable(service.get().getSpec().getSelector()).orElse(Map.of());
        return Optional.of(manifests.colorOf(selector).orElseThrow(() -> new ClusterException("service "
                + manifests.serviceName() + " selects " + selector + ", which is neither " + manifests.selectorFor(Color.BLUE)
                + " nor " + manifests.selectorFor(Color.GREEN) + ": fix it by hand before publishing")));
    }

    /** @param live the color the public Service selects now; empty on the first publish */
    public PublishPlan plan(String tag, Optional<Color> live) {
        return plan(tag, live, true);
    }

    /**
     * @param live the color the public Service selects now; empty on the first publish
     * @param promote false for {@code --no-promote}: stop before the swap, with the new color held as a preview
     */
    public PublishPlan plan(String tag, Optional<Color> live, boolean promote) {
        ImageRef image = new ImageRef(settings.imageName(), tag);
        Color target = live.map(Color::other).orElse(Color.BLUE);
        boolean first = live.isEmpty();
        List<Step> steps = new ArrayList<>();
        builder.ifPresent(b -> {
            steps.add(new Step.BuildImage(image, b.describeBuild(image)));
            steps.add(new Step.PushImage(image, b.describePush(image)));
        });
        List<String> alsoApplied = new ArrayList<>();
        manifests.extras(target, tag).forEach(extra -> extra.objects().forEach(o -> alsoApplied.add(describe(o))));
        manifests.deployment(target, tag).objects().stream().filter(o -> !(o instanceof Deployment))
                .forEach(o -> alsoApplied.add(describe(o)));
        manifests.hpa(target, tag).ifPresent(hpa -> hpa.objects().forEach(o -> alsoApplied.add(describe(o))));
        steps.add(new Step.DeployColor(target, manifests.deploymentNames(target), image, alsoApplied,
                settings.deploymentTimeout()));
        if (first) {
            manifests.seedJobs(target, tag).ifPresent(seed -> steps.add(new Step.SeedDatabase(
                    seed.all(Job.class).stream().map(j -> j.getMetadata().getName()).toList(), settings.dbMigrationsJobTimeout())));
        } else if (settings.dbMigrationsStatusCommand().isPresent() || settings.dbMigrationsApplyCommand().isPresent()) {
            steps.add(new Step.MigrateDatabase(manifests.servedDeployment(target), settings.dbMigrationsStatusCommand(),
                    settings.dbMigrationsApplyCommand()));
        }
        manifests.smokeService(target, tag).ifPresent(smoke -> steps.add(new Step.SmokeTest(
                smoke.single(Service.class).getMetadata().getName(), settings.smokeTestsCommand(),
                first ? Optional.empty() : settings.dbMigrationsRollbackCommand(), settings.smokeServiceTimeout())));
        live.ifPresent(l -> steps.add(new Step.MatchCapacity(target, l, manifests.deploymentNames(target),
                settings.deploymentTimeout())));
        if (settings.analysis().enabled()) {
            // After the capacity step: both colors serve with as many replicas when they are compared.
            steps.add(analysisStep(target, live, tag));
        }
        if (promote) {
            addSwap(steps, target, live);
        } else {
            steps.add(new Step.HoldPreview(target, manifests.servedDeployment(target), manifests.serviceName()));
        }
        return new PublishPlan(image, target, live, steps, manifests.all(target, tag, first));
    }

    private void addSwap(List<Step> steps, Color target, Optional<Color> live) {
        steps.add(new Step.SwapService(manifests.serviceName(), target, live, settings.scaleDownDelay(),
                settings.serviceTimeout()));
        // Without a previous color there is nothing to swap back to: a first publish is not watched.
        if (live.isPresent() && settings.analysis().watch().isPresent()) {
            if (!manifests.servedPodsHavePort(target, METRICS_PORT)) {
                // Found out after the swap, the new color would be live and unwatched.
                throw new ConfigurationException("ANALYSIS_WATCH reads the new color's metrics, but the pods of deployment "
                        + manifests.servedDeployment(target) + " in " + manifests.deploymentSource()
                        + " have no container port named " + METRICS_PORT);
            }
            steps.add(new Step.WatchLive(target, live.get(), manifests.servedDeployment(target),
                    settings.analysis().watch().get(), settings.analysis().gates()));
        }
        if (live.isPresent() && settings.scaleDownDelay().isPresent()) {
            steps.add(new Step.ScaleDownPrevious(target.other(), manifests.deploymentNames(target.other()),
                    settings.scaleDownDelay().get()));
        }
    }

    /**
     * {@code promote}: the preview a {@code publish --no-promote} left, swapped in with the same
     * checks as a publish (capacity, analysis). Refused when the idle color holds no preview.
     */
    public PublishPlan promotionPlan(KubeCluster cluster, Optional<Color> live) {
        Color target = live.map(Color::other).orElse(Color.BLUE);
        String tag = preview(cluster, target, "promote").previewTag().orElseThrow();
        cluster.awaitDeployment(manifests.servedDeployment(target), Optional.of(tag), settings.deploymentTimeout());
        List<Step> steps = new ArrayList<>();
        live.ifPresent(l -> steps.add(new Step.MatchCapacity(target, l, manifests.deploymentNames(target),
                settings.deploymentTimeout())));
        if (settings.analysis().enabled()) {
            steps.add(analysisStep(target, live, tag));
        }
        addSwap(steps, target, live);
        return new PublishPlan(new ImageRef(settings.imageName(), tag), target, live, steps, List.of());
    }

    /** The kept migration status output of the preview {@link #promotionPlan} promotes. */
    public Optional<String> keptMigrationStatus(KubeCluster cluster, PublishPlan plan) {
        return PreviewRecord.read(cluster, manifests, plan.target()).migration();
    }

    /**
     * {@code abort}: the preview a {@code publish --no-promote} left is taken out (migrations rolled
     * back as after failed smoke tests, scaled to zero, its HPA deleted); the public Service is not
     * touched. Refused when the idle color holds no preview: it may be the previous color, kept for
     * an instant rollback.
     */
    public void abortPreview(KubeCluster cluster, Optional<Color> live) {
        Color preview = live.map(Color::other).orElse(Color.BLUE);
        PreviewRecord record = preview(cluster, preview, "abort");
        PublishPlan plan = new PublishPlan(new ImageRef(settings.imageName(), record.previewTag().orElseThrow()), preview,
                live, List.of(), List.of());
        String rolledBack = rollBackMigrations(cluster, plan,
                settings.dbMigrationsRollbackCommand().filter(command -> live.isPresent()), record.migration());
        ScaleDowns.scaleToZero(cluster, manifests, preview);
        PreviewRecord.clearPreview(cluster, manifests, preview);
        log.accept("aborted: " + preview.label() + " scaled to 0 and its HPA deleted" + rolledBack + "; service "
                + manifests.serviceName() + " left unchanged"
                + live.map(c -> " (still selects " + c.label() + ")").orElse(" (not created)"));
    }

    private PreviewRecord preview(KubeCluster cluster, Color color, String command) {
        PreviewRecord record = PreviewRecord.read(cluster, manifests, color);
        if (!record.isPreview()) {
            throw new ClusterException("nothing to " + command + ": deployment " + manifests.servedDeployment(color)
                    + " holds no preview (publish --no-promote leaves one)");
        }
        return record;
    }

    private Step.AnalyzeColor analysisStep(Color target, Optional<Color> live, String tag) {
        String preview = manifests.smokeService(target, tag)
                .map(smoke -> smoke.single(Service.class).getMetadata().getName())
                .orElseThrow(() -> new ConfigurationException("the ANALYSIS_* gates need SMOKE_SERVICE_CONFIG: the "
                        + "analysis reaches the new color through its smoke Service"));
        Gates gates = settings.analysis().gates();
        if (live.isEmpty()) {
            gates = gates.withoutP99Ratio();
        }
        return new Step.AnalyzeColor(target, preview, live, manifests.serviceName(), settings.analysis().shape(), gates,
                settings.smokeServiceTimeout());
    }

    /**
     * Runs the plan's steps in order, up to the swap (the delayed scale-down is
     * {@link #scaleDownAfterDelay}'s, after the lease is released). When a step between the
     * deploy and the swap fails (deploy wait, seed, migration, smoke test, capacity), the publish
     * is aborted: the new color is scaled to zero and its HPA deleted, the public Service is left
     * as it was, and the error says so.
     */
    public void execute(PublishPlan plan, KubeCluster cluster) {
        execute(plan, cluster, Optional.empty());
    }

    /** As {@link #execute(PublishPlan, KubeCluster)}, with the migration status output an earlier run kept. */
    public void execute(PublishPlan plan, KubeCluster cluster, Optional<String> keptStatusOutput) {
        Optional<String> statusOutput = keptStatusOutput;
        for (int i = 0; i < plan.steps().size(); i++) {
            Step step = plan.steps().get(i);
            if (step instanceof Step.ScaleDownPrevious) {
                continue;
            }
            log.accept("==> " + (i + 1) + "/" + plan.steps().size() + " " + step.describe());
            boolean abortable = step instanceof Step.DeployColor || step instanceof Step.SeedDatabase
                    || step instanceof Step.MigrateDatabase || step instanceof Step.SmokeTest
                    || step instanceof Step.MatchCapacity || step instanceof Step.AnalyzeColor;
            try {
                statusOutput = run(plan, step, cluster, statusOutput);
            } catch (RuntimeException e) {
                if (!abortable) {
                    throw e;
                }
                throw abort(plan, cluster, e);
            }
        }
        boolean held = plan.steps().stream().anyMatch(step -> step instanceof Step.HoldPreview);
        log.accept((held ? "previewing " : "published ") + plan.image() + " as " + plan.target().label());
    }

    /**
     * Takes the new color out again after a failed step: scaled to zero, its HPA deleted. The
     * public Service is not touched. Returns the failure to throw, its message extended by what
     * the abort did.
     */
    public BgKubeException abort(PublishPlan plan, KubeCluster cluster, RuntimeException failure) {
        String untouched = "service " + manifests.serviceName() + " left unchanged"
                + plan.live().map(c -> " (still selects " + c.label() + ")").orElse(" (not created)");
        String note;
        try {
            ScaleDowns.scaleToZero(cluster, manifests, plan.target());
            PreviewRecord.clearPreview(cluster, manifests, plan.target());
            note = "aborted: " + plan.target().label() + " scaled to 0 and its HPA deleted";
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            note = "abort failed, " + plan.target().label() + " may still run: " + e.getMessage();
        }
        String message = String.valueOf(failure.getMessage()).contains(untouched) ? note : note + "; " + untouched;
        log.accept(message);
        message = describe(failure) + "; " + message;
        if (failure instanceof AnalysisFailedException) {
            return new AnalysisFailedException(message);
        }
        return failure instanceof SmokeTestException ? new SmokeTestException(message) : new ClusterException(message, failure);
    }

    /** The failure in one line: an API error as the API server's own message and HTTP code. */
    private static String describe(RuntimeException failure) {
        if (failure instanceof KubernetesClientException api && api.getStatus() != null && api.getStatus().getMessage() != null) {
            return "Kubernetes API error: " + api.getStatus().getMessage() + " (HTTP " + api.getCode() + ")";
        }
        return String.valueOf(failure.getMessage());
    }

    private Optional<String> run(PublishPlan plan, Step step, KubeCluster cluster, Optional<String> statusOutput) {
        String tag = plan.image().tag();
        if (step instanceof Step.BuildImage build) {
            builder.orElseThrow().build(build.image());
        } else if (step instanceof Step.PushImage push) {
            builder.orElseThrow().push(push.image());
        } else if (step instanceof Step.DeployColor deploy) {
            manifests.extras(deploy.color(), tag).forEach(extra -> applyAll(cluster, extra));
            applyAll(cluster, manifests.deployment(deploy.color(), tag));
            manifests.hpa(deploy.color(), tag).ifPresent(hpa -> applyAll(cluster, hpa));
            manifests.deploymentNames(deploy.color()).forEach(cluster::forgetPins);
            for (Deployment deployment : manifests.deployment(deploy.color(), tag).all(Deployment.class)) {
                // A Deployment that does not run the built image (e.g. a stock Locust master) has no tag to wait for.
                cluster.awaitDeployment(deployment.getMetadata().getName(),
                        runsImage(deployment, plan) ? Optional.of(tag) : Optional.empty(), deploy.timeout());
            }
        } else if (step instanceof Step.SeedDatabase seed) {
            seed(cluster, manifests.seedJobs(plan.target(), tag).orElseThrow(), seed.timeout());
        } else if (step instanceof Step.MigrateDatabase migrate) {
            return migrate(cluster, migrate);
        } else if (step instanceof Step.SmokeTest smoke) {
            smokeTest(cluster, plan, smoke, statusOutput);
        } else if (step instanceof Step.MatchCapacity capacity) {
            matchCapacity(cluster, plan, capacity);
        } else if (step instanceof Step.AnalyzeColor analysis) {
            analyze(cluster, plan, analysis, statusOutput);
        } else if (step instanceof Step.SwapService swap) {
            swap(cluster, plan, swap, statusOutput);
        } else if (step instanceof Step.WatchLive watch) {
            watch(cluster, plan, watch, statusOutput);
        } else if (step instanceof Step.HoldPreview hold) {
            PreviewRecord.recordPreview(cluster, manifests, hold.color(), tag, statusOutput);
            log.accept("preview " + hold.color().label() + " (" + plan.image() + ") is ready; service "
                    + manifests.serviceName() + " left unchanged: bg-kube promote swaps to it, bg-kube abort takes it out");
        }
        return statusOutput;
    }

    /** Scales each Deployment of the new color up to the replicas its live counterpart runs now (HPA included). */
    private void matchCapacity(KubeCluster cluster, PublishPlan plan, Step.MatchCapacity capacity) {
        List<String> live = manifests.deploymentNames(capacity.live());
        for (int i = 0; i < capacity.deployments().size() && i < live.size(); i++) {
            String name = capacity.deployments().get(i);
            int liveReplicas = cluster.deployment(live.get(i)).map(Publisher::replicas).orElse(0);
            Deployment deployment = cluster.deployment(name)
                    .orElseThrow(() -> new ClusterException("deployment " + name + " disappeared"));
            int replicas = replicas(deployment);
            if (replicas >= liveReplicas) {
                log.accept("capacity: " + name + " runs " + replicas + " replicas, " + live.get(i) + " " + liveReplicas);
                continue;
            }
            log.accept("capacity: scaling " + name + " from " + replicas + " to " + liveReplicas + " replicas, as many as "
                    + live.get(i) + " runs now");
            cluster.scale(name, liveReplicas);
            cluster.awaitDeployment(name, runsImage(deployment, plan) ? Optional.of(plan.image().tag()) : Optional.empty(),
                    capacity.timeout());
        }
    }

    /**
     * Points the public Service at the new color and records the release state with it (one
     * update); the previous color's HPAs are pinned at its current size, so a rollback finds it
     * as large as it was.
     */
    private void swap(KubeCluster cluster, PublishPlan plan, Step.SwapService swap, Optional<String> statusOutput) {
        Instant now = clock.instant();
        String migration = plan.live().isEmpty()
                ? (manifests.seedJobs(plan.target(), "0").isPresent() ? "seeded" : "none")
                : statusOutput.orElse(settings.dbMigrationsApplyCommand().isPresent() ? "applied" : "none");
        ReleaseState state = new ReleaseState(swap.color(), plan.image().tag(), clip(migration), now, "publish",
                plan.live().flatMap(previous -> swap.scaleDownDelay()
                        .map(delay -> new ReleaseState.ScaleDown(previous, now.plus(delay)))));
        applyService(cluster, manifests, manifests.service(swap.color(), plan.image().tag()), state);
        manifests.selectorsFor(swap.color()).forEach(
                (service, selector) -> cluster.awaitSelector(service, selector, swap.timeout()));
        log.accept("service " + swap.service() + " now selects " + swap.color().label());
        PreviewRecord.clearPreview(cluster, manifests, swap.color());
        plan.live().ifPresent(previous -> manifests.deploymentNames(previous).forEach(cluster::pinAutoscalers));
    }

    /** Applies the service config with the release state as annotations of the public (first) Service. */
    static void applyService(KubeCluster cluster, ServiceManifests manifests, RenderedManifest service, ReleaseState state) {
        boolean first = true;
        for (HasMetadata object : service.objects()) {
            if (first && object instanceof Service svc) {
                Map<String, String> annotations = new TreeMap<>(Optional.ofNullable(svc.getMetadata().getAnnotations())
                        .orElse(Map.of()));
                annotations.putAll(state.annotations());
                cluster.apply(new ServiceBuilder(svc).editMetadata().withAnnotations(annotations).endMetadata().build());
                first = false;
            } else {
                cluster.apply(object);
            }
        }
    }

    private static String clip(String text) {
        return text.length() <= MAX_ANNOTATION ? text : text.substring(0, MAX_ANNOTATION) + "...";
    }

    static int replicas(Deployment deployment) {
        return deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    }

    private static boolean runsImage(Deployment deployment, PublishPlan plan) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> plan.image().toString().equals(c.getImage()));
    }

    private static String describe(HasMetadata object) {
        return object.getKind().toLowerCase(Locale.ROOT) + " " + object.getMetadata().getName();
    }

    private void applyAll(KubeCluster cluster, RenderedManifest manifest) {
        for (HasMetadata object : manifest.objects()) {
            cluster.apply(object);
        }
    }

    private void seed(KubeCluster cluster, RenderedManifest seed, Duration timeout) {
        for (HasMetadata object : seed.objects()) {
            if (object instanceof Job job) {
                cluster.recreate(job, timeout);
                cluster.awaitJob(job.getMetadata().getName(), timeout);
                log.accept("job " + job.getMetadata().getName() + " completed");
            } else {
                cluster.apply(object);
            }
        }
    }

    private Optional<String> migrate(KubeCluster cluster, Step.MigrateDatabase migrate) {
        Deployment deployment = cluster.deployment(migrate.deployment())
                .orElseThrow(() -> new ClusterException("deployment " + migrate.deployment() + " disappeared"));
        Optional<String> statusOutput = Optional.empty();
        if (migrate.statusCommand().isPresent()) {
            PodExec.ExecResult status = runInPod(cluster, deployment, migrate.statusCommand().get(), List.of());
            statusOutput = Optional.of(status.output().strip());
        }
        if (migrate.applyCommand().isPresent()) {
            runInPod(cluster, deployment, migrate.applyCommand().get(), List.of());
        }
        return statusOutput;
    }

    private PodExec.ExecResult runInPod(KubeCluster cluster, Deployment deployment, String command, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", command, "sh"));
        argv.addAll(args);
        PodExec.ExecResult result = cluster.execInReadyPod(deployment, argv, execTimeout());
        if (!result.succeeded()) {
            throw new ClusterException("command '" + command + "' failed in deployment "
                    + deployment.getMetadata().getName() + " with exit code " + result.exitCode() + ": " + result.output().strip());
        }
        return result;
    }

    private void smokeTest(KubeCluster cluster, PublishPlan plan, Step.SmokeTest smoke, Optional<String> statusOutput) {
        applyAll(cluster, manifests.smokeService(plan.target(), plan.image().tag()).orElseThrow());
        CommandRunner.Result result;
        String address;
        try (PortForwarder.Tunnel tunnel = cluster.reach(smoke.service(), smoke.timeout())) {
            address = tunnel.address();
            if (smoke.command().isEmpty()) {
                log.accept("smoke service " + smoke.service() + " reachable at " + address + " (no smoke tests command)");
                return;
            }
            String testHost = scheme(plan) + "://" + address;
            log.accept("running smoke tests with TEST_HOST=" + testHost + " TEST_ADDRESS=" + address + ": "
                    + smoke.command().get());
            Map<String, String> environment = new HashMap<>(Map.of("TEST_HOST", testHost, "TEST_ADDRESS", address));
            settings.kopsStateStore().ifPresent(store -> environment.put("KOPS_STATE_STORE", store));
            result = localCommands.run(CommandRunner.Command.of(List.of("sh", "-c", smoke.command().get()))
                    .withEnvironment(environment).withTimeout(settings.commandTimeout()));
        }
        if (result.succeeded()) {
            log.accept("smoke tests passed");
            return;
        }
        String rolledBack = rollBackMigrations(cluster, plan, smoke.rollbackCommand(), statusOutput);
        throw new SmokeTestException("smoke tests failed (exit code " + result.exitCode() + ") against "
                + plan.target().label() + " at " + address + "; service " + manifests.serviceName() + " left unchanged"
                + plan.live().map(c -> " (still selects " + c.label() + ")").orElse(" (not created)") + rolledBack);
    }

    /** Runs the migrations' rollback command in the new color, as after failed smoke tests; says what it did. */
    private String rollBackMigrations(KubeCluster cluster, PublishPlan plan, Optional<String> rollbackCommand,
            Optional<String> statusOutput) {
        if (rollbackCommand.isEmpty()) {
            return "";
        }
        Deployment deployment = cluster.deployment(manifests.servedDeployment(plan.target()))
                .orElseThrow(() -> new ClusterException("deployment of " + plan.target().label() + " disappeared"));
        // As the original, which put the status output on the kubectl exec command line: one argument per word.
        List<String> words = List.of(statusOutput.orElse("").strip().split("\\s+")).stream()
                .filter(w -> !w.isEmpty()).toList();
        runInPod(cluster, deployment, rollbackCommand.get() + " \"$@\"", words);
        return "; ran the rollback command '" + rollbackCommand.get() + "' with the kept status output";
    }

    /**
     * The pre-promotion analysis. Both sides are reached as the smoke test reaches the new color (a
     * load balancer's address, else a port-forward), so no load-generator image has to be in the
     * cluster; a port-forward reaches one pod per side, which makes this a comparison of the two
     * versions under the same load, not a capacity test.
     */
    private void analyze(KubeCluster cluster, PublishPlan plan, Step.AnalyzeColor step, Optional<String> statusOutput) {
        AnalysisResult result;
        List<PortForwarder.Tunnel> tunnels = new ArrayList<>();
        try (PortForwarder.Tunnel preview = cluster.reach(step.previewService(), step.reachTimeout())) {
            List<String> baseline = new ArrayList<>();
            List<URI> baselineMetrics = new ArrayList<>();
            if (step.live().isPresent()) {
                PortForwarder.Tunnel live = cluster.reach(step.liveService(), step.reachTimeout());
                tunnels.add(live);
                baseline.add(live.address());
            }
            List<URI> targetMetrics = metricsOf(cluster, step.color(), tunnels);
            if (!targetMetrics.isEmpty()) {
                step.live().ifPresent(live -> baselineMetrics.addAll(metricsOf(cluster, live, tunnels)));
            }
            AnalysisPlan analysis = new AnalysisPlan(List.of(preview.address()), baseline, step.shape(), step.gates(),
                    targetMetrics, baselineMetrics);
            result = analyzer.orElseThrow(() -> new IllegalStateException("analysis planned without an analyzer"))
                    .run(analysis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted during the analysis of " + plan.target().label(), e);
        } finally {
            tunnels.forEach(PortForwarder.Tunnel::close);
        }
        VerdictTable.render(result).lines().forEach(log);
        PreviewRecord.recordAnalysis(cluster, manifests, plan.target(), (result.verdict().passed() ? "PASS: " : "FAIL: ")
                + result.verdict().reason(), clock.instant());
        if (result.verdict().passed()) {
            return;
        }
        String rolledBack = rollBackMigrations(cluster, plan, settings.dbMigrationsRollbackCommand()
                .filter(command -> plan.live().isPresent()), statusOutput);
        throw new AnalysisFailedException("analysis failed: " + result.verdict().reason() + rolledBack);
    }

    /**
     * The post-promotion watch: real traffic now reaches the new color, and its pods count it
     * themselves. A window opens at the start; every few seconds the error rate and p99 since then
     * are checked (not before a call was counted); a breach swaps back to the previous color, which
     * still has its capacity (its scale-down comes after the watch), and rolls back the migrations.
     * The pods are listed again at every reading: those the autoscaler adds as traffic arrives are
     * watched too, from their first call.
     */
    private void watch(KubeCluster cluster, PublishPlan plan, Step.WatchLive step, Optional<String> statusOutput) {
        Map<String, PortForwarder.Tunnel> tunnels = new HashMap<>();
        Supplier<Map<String, URI>> endpoints = () -> readyPodMetrics(cluster, step.deployment(), tunnels);
        try {
            MetricsWindow window = MetricsWindow.open(new MetricsScraper(), endpoints, log);
            long start = System.nanoTime();
            long end = start + step.duration().toNanos();
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                Thread.sleep(Math.max(1, Math.min(left, WATCH_SAMPLE.toNanos()) / 1_000_000));
                ServerMetrics seen = window.sinceOpened();
                long elapsed = (System.nanoTime() - start) / 1_000_000_000;
                if (seen.calls() == 0) {
                    log.accept("watch " + elapsed + "s: no calls yet");
                    continue;
                }
                Verdict verdict = Verdict.ofServer(step.gates(), seen);
                log.accept("watch " + elapsed + "s: " + seen.calls() + " calls, " + verdict.gates().stream()
                        .map(g -> g.gate() + " " + g.value() + (g.passed() ? "" : " BREACHED")).reduce((a, b) -> a + ", " + b)
                        .orElse(""));
                if (!verdict.passed()) {
                    swapBack(cluster, plan, step, verdict, statusOutput);
                }
            }
            log.accept("watch of " + step.color().label() + " passed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while watching " + step.color().label(), e);
        } finally {
            tunnels.values().forEach(PortForwarder.Tunnel::close);
        }
    }

    /**
     * The metrics endpoint of every ready pod of the Deployment, by pod name, through a port-forward
     * each: opened for pods not seen before, closed for pods no longer ready.
     *
     * @throws ClusterException no ready pod has a {@code metrics} port
     */
    private static Map<String, URI> readyPodMetrics(KubeCluster cluster, String deployment,
            Map<String, PortForwarder.Tunnel> tunnels) {
        Map<String, Integer> ready = cluster.readyPodPorts(deployment, METRICS_PORT);
        if (ready.isEmpty()) {
            throw new ClusterException("no ready pod of deployment " + deployment + " has a container port named "
                    + METRICS_PORT + " to watch");
        }
        tunnels.entrySet().removeIf(tunnel -> {
            boolean gone = !ready.containsKey(tunnel.getKey());
            if (gone) {
                tunnel.getValue().close();
            }
            return gone;
        });
        Map<String, URI> endpoints = new TreeMap<>();
        ready.forEach((pod, port) -> endpoints.put(pod, URI.create("http://"
                + tunnels.computeIfAbsent(pod, name -> cluster.forwardToPod(name, port)).address() + "/metrics")));
        return endpoints;
    }

    /**
     * The color's pods' own metrics endpoints, through a port-forward to each ready pod's port named
     * {@code metrics} (the tunnels are added to {@code tunnels}); none when its pods have no such port.
     */
    private List<URI> metricsOf(KubeCluster cluster, Color color, List<PortForwarder.Tunnel> tunnels) {
        List<PortForwarder.Tunnel> opened;
        try {
            opened = cluster.forwardToReadyPods(manifests.servedDeployment(color), METRICS_PORT);
        } catch (ClusterException e) {
            log.accept("no metrics for " + color.label() + " (" + e.getMessage() + "): the load's figures only");
            return List.of();
        }
        tunnels.addAll(opened);
        return opened.stream().map(t -> URI.create("http://" + t.address() + "/metrics")).toList();
    }

    private void swapBack(KubeCluster cluster, PublishPlan plan, Step.WatchLive step, Verdict verdict,
            Optional<String> statusOutput) {
        log.accept("watch breached (" + verdict.reason() + "): swapping back to " + step.previous().label());
        Rollback rollback = new Rollback(manifests, settings.serviceTimeout(), clock, log);
        rollback.execute(rollback.plan(cluster, true), cluster);
        String rolledBack = rollBackMigrations(cluster, plan, settings.dbMigrationsRollbackCommand(), statusOutput);
        PreviewRecord.recordAnalysis(cluster, manifests, step.color(), "FAIL (post-promotion watch): " + verdict.reason(),
                clock.instant());
        throw new AnalysisFailedException("post-promotion watch of " + step.color().label() + " failed: "
                + verdict.reason() + "; swapped back: service " + manifests.serviceName() + " selects "
                + step.previous().label() + " again" + rolledBack);
    }

    /** TEST_HOST's scheme, as the original's: the name of the smoke Service's first port, else http. */
    private String scheme(PublishPlan plan) {
        List<ServicePort> ports = manifests.smokeService(plan.target(), plan.image().tag()).orElseThrow()
                .single(Service.class).getSpec().getPorts();
        String name = ports == null || ports.isEmpty() ? null : ports.get(0).getName();
        return name == null || name.isBlank() ? "http" : name;
    }

    /**
     * The plan's last step, the delayed scale-down of the previous color, run after the lease of
     * the publish was released (so a rollback can run during the delay, which is what the delay
     * is for): waits, takes the lease again, and scales down if the scale-down is still recorded
     * for that color. Does nothing when the plan has no scale-down.
     *
     * @param lock takes the lease again; refused when another publish or rollback runs, which
     *     then does the scale-down itself once it is due
     */
    public void scaleDownAfterDelay(PublishPlan plan, KubeCluster cluster, Supplier<ClusterLock> lock) {
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof Step.ScaleDownPrevious scaleDown) {
                log.accept("==> " + (i + 1) + "/" + plan.steps().size() + " " + scaleDown.describe());
                scaleDown(cluster, scaleDown, lock);
            }
        }
    }

    private void scaleDown(KubeCluster cluster, Step.ScaleDownPrevious scaleDown, Supplier<ClusterLock> lock) {
        log.accept("waiting " + scaleDown.delay().toSeconds() + "s before scaling down " + scaleDown.color().label()
                + " (the lease is released meanwhile: a rollback may run)");
        try {
            sleeper.sleep(scaleDown.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted before scaling down " + scaleDown.color().label()
                    + "; it is recorded on service " + manifests.serviceName() + ": the next publish or rollback does it", e);
        }
        ClusterLock held;
        try {
            held = lock.get();
        } catch (ClusterException e) {
            log.accept("scale-down of " + scaleDown.color().label() + " left to the command now running: " + e.getMessage());
            return;
        }
        try (held) {
            // A rollback during the delay made this color live again and dropped the scale-down.
            Optional<ReleaseState.ScaleDown> due = ReleaseState.read(cluster, manifests).flatMap(ReleaseState::scaleDown);
            if (due.isEmpty() || due.get().color() != scaleDown.color()) {
                log.accept("scale-down of " + scaleDown.color().label() + " is no longer recorded (a rollback?): skipped");
                return;
            }
            ScaleDowns.scaleToZero(cluster, manifests, scaleDown.color());
            cluster.annotateService(manifests.serviceName(), Map.of(), ReleaseState.SCALE_DOWN_KEYS);
        }
    }

    private Duration execTimeout() {
        return settings.commandTimeout();
    }
}
