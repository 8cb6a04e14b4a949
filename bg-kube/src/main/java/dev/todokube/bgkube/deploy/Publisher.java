package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.SmokeTestException;
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
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Plans and runs a blue/green publish: build, push, deploy the idle color, migrate, smoke test, swap. */
public final class Publisher {

    private static final Duration EXEC_TIMEOUT_FLOOR = Duration.ofMinutes(5);

    private final Settings settings;
    private final ServiceManifests manifests;
    private final Optional<ImageBuilder> builder;
    private final CommandRunner localCommands;
    private final Sleeper sleeper;
    private final Consumer<String> log;

    /** @param builder empty when the image exists already (publish --tag): no build, no push */
    public Publisher(Settings settings, ServiceManifests manifests, Optional<ImageBuilder> builder,
            CommandRunner localCommands,
            Sleeper sleeper, Consumer<String> log) {
        this.settings = settings;
        this.manifests = manifests;
        this.builder = builder;
        this.localCommands = localCommands;
        this.sleeper = sleeper;
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
        steps.add(new Step.SwapService(manifests.serviceName(), target, settings.serviceTimeout()));
        if (!first && settings.scaleDownDelay().isPresent()) {
            steps.add(new Step.ScaleDownPrevious(target.other(), manifests.deploymentNames(target.other()),
                    settings.scaleDownDelay().get()));
        }
        return new PublishPlan(image, target, live, steps, manifests.all(target, tag, first));
    }

    public void execute(PublishPlan plan, KubeCluster cluster) {
        Optional<String> statusOutput = Optional.empty();
        String tag = plan.image().tag();
        for (int i = 0; i < plan.steps().size(); i++) {
            Step step = plan.steps().get(i);
            log.accept("==> " + (i + 1) + "/" + plan.steps().size() + " " + step.describe());
            if (step instanceof Step.BuildImage build) {
                builder.orElseThrow().build(build.image());
            } else if (step instanceof Step.PushImage push) {
                builder.orElseThrow().push(push.image());
            } else if (step instanceof Step.DeployColor deploy) {
                manifests.extras(deploy.color(), tag).forEach(extra -> applyAll(cluster, extra));
                applyAll(cluster, manifests.deployment(deploy.color(), tag));
                manifests.hpa(deploy.color(), tag).ifPresent(hpa -> applyAll(cluster, hpa));
                for (Deployment deployment : manifests.deployment(deploy.color(), tag).all(Deployment.class)) {
                    // A Deployment that does not run the built image (e.g. a stock Locust master) has no tag to wait for.
                    boolean runsImage = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                            .anyMatch(c -> plan.image().toString().equals(c.getImage()));
                    cluster.awaitDeployment(deployment.getMetadata().getName(), runsImage ? Optional.of(tag) : Optional.empty(),
                            deploy.timeout());
                }
            } else if (step instanceof Step.SeedDatabase seed) {
                seed(cluster, manifests.seedJobs(plan.target(), tag).orElseThrow(), seed.timeout());
            } else if (step instanceof Step.MigrateDatabase migrate) {
                statusOutput = migrate(cluster, migrate);
            } else if (step instanceof Step.SmokeTest smoke) {
                smokeTest(cluster, plan, smoke, statusOutput);
            } else if (step instanceof Step.SwapService swap) {
                applyAll(cluster, manifests.service(swap.color(), tag));
                manifests.selectorsFor(swap.color()).forEach(
                        (service, selector) -> cluster.awaitSelector(service, selector, swap.timeout()));
                log.accept("service " + swap.service() + " now selects " + swap.color().label());
            } else if (step instanceof Step.ScaleDownPrevious scaleDown) {
                scaleDown(cluster, scaleDown);
            }
        }
        log.accept("published " + plan.image() + " as " + plan.target().label());
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
            log.accept("running smoke tests with TEST_HOST=" + address + ": " + smoke.command().get());
            Map<String, String> environment = new HashMap<>(Map.of("TEST_HOST", address));
            settings.kopsStateStore().ifPresent(store -> environment.put("KOPS_STATE_STORE", store));
            result = localCommands.run(CommandRunner.Command.of(List.of("sh", "-c", smoke.command().get()))
                    .withEnvironment(environment));
        }
        if (result.succeeded()) {
            log.accept("smoke tests passed");
            return;
        }
        String rolledBack = "";
        if (smoke.rollbackCommand().isPresent()) {
            Deployment deployment = cluster.deployment(manifests.servedDeployment(plan.target()))
                    .orElseThrow(() -> new ClusterException("deployment of " + plan.target().label() + " disappeared"));
            runInPod(cluster, deployment, smoke.rollbackCommand().get() + " \"$1\"", List.of(statusOutput.orElse("")));
            rolledBack = "; ran the rollback command '" + smoke.rollbackCommand().get() + "' with the kept status output";
        }
        throw new SmokeTestException("smoke tests failed (exit code " + result.exitCode() + ") against "
                + plan.target().label() + " at " + address + "; service " + manifests.serviceName() + " left unchanged"
                + plan.live().map(c -> " (still selects " + c.label() + ")").orElse(" (not created)") + rolledBack);
    }

    private void scaleDown(KubeCluster cluster, Step.ScaleDownPrevious scaleDown) {
        log.accept("waiting " + scaleDown.delay().toSeconds() + "s before scaling down " + scaleDown.color().label());
        try {
            sleeper.sleep(scaleDown.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted before scaling down " + scaleDown.color().label(), e);
        }
        for (String deployment : scaleDown.deployments()) {
            // An HPA would scale the Deployment straight back up to its minimum, so it goes first.
            cluster.autoscalersOf(deployment).forEach(cluster::delete);
            cluster.scale(deployment, 0);
        }
    }

    private Duration execTimeout() {
        Duration longest = settings.deploymentTimeout().compareTo(settings.dbMigrationsJobTimeout()) > 0
                ? settings.deploymentTimeout() : settings.dbMigrationsJobTimeout();
        return longest.compareTo(EXEC_TIMEOUT_FLOOR) > 0 ? longest : EXEC_TIMEOUT_FLOOR;
    }
}
