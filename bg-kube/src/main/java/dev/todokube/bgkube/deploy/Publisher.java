package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.LeaseLostException;
import dev.todokube.bgkube.StoppedException;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.cluster.ApiFailures;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.step.AnalyzeColor;
import dev.todokube.bgkube.deploy.step.BuildImage;
import dev.todokube.bgkube.deploy.step.DeployColor;
import dev.todokube.bgkube.deploy.step.HoldPreview;
import dev.todokube.bgkube.deploy.step.MatchCapacity;
import dev.todokube.bgkube.deploy.step.MigrateDatabase;
import dev.todokube.bgkube.deploy.step.PushImage;
import dev.todokube.bgkube.deploy.step.ScheduleScaleDown;
import dev.todokube.bgkube.deploy.step.SeedDatabase;
import dev.todokube.bgkube.deploy.step.SmokeTest;
import dev.todokube.bgkube.deploy.step.Step;
import dev.todokube.bgkube.deploy.step.SwapService;
import dev.todokube.bgkube.deploy.step.WatchLive;
import dev.todokube.bgkube.image.ImageRef;
import dev.todokube.bgkube.process.StopSignal;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Plans a release (publish, publish --no-promote, promote) as a list of steps and runs it, keeping
 * bg-kube's promises on the way: the release's record is on its Lease before every step (so a killed
 * process leaves a record of exactly what it did, and each step runs only while the lease is provably
 * still held); a step that fails, a stop request (SIGINT, SIGTERM) or a failed watch undoes every step
 * reached, newest first, so the previous color serves as before; and the previous color is scaled down
 * only after the new one was verified.
 */
public final class Publisher {

    /** The container port the watch reads each pod's metrics from (todo-api's manifests name it so). */
    private static final String METRICS_PORT = "metrics";

    /** How a release ended. */
    public enum Outcome {
        /** Live and verified. */
        PUBLISHED,
        /** Held as a preview (publish --no-promote). */
        PREVIEWING
    }

    private final Settings settings;
    private final ServiceManifests manifests;
    private final Release.Tools tools;
    private final Sleeper sleeper;
    private final StopSignal stop;

    public Publisher(Settings settings, ServiceManifests manifests, Release.Tools tools, Sleeper sleeper, StopSignal stop) {
        this.settings = settings;
        this.manifests = manifests;
        this.tools = tools;
        this.sleeper = sleeper;
        this.stop = stop;
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
        List<Step> steps = new ArrayList<>();
        tools.builder().ifPresent(b -> {
            steps.add(new BuildImage(image, b.describeBuild(image)));
            steps.add(new PushImage(image, b.describePush(image)));
        });
        steps.addAll(releaseSteps(tag, live, promote));
        Color target = live.map(Color::other).orElse(Color.BLUE);
        return new PublishPlan(image, target, live, steps, manifests.all(target, tag, live.isEmpty()));
    }

    /** Every step of a release of an existing image, from the deploy on. */
    private List<Step> releaseSteps(String tag, Optional<Color> live, boolean promote) {
        ImageRef image = new ImageRef(settings.imageName(), tag);
        Color target = live.map(Color::other).orElse(Color.BLUE);
        boolean first = live.isEmpty();
        List<Step> steps = new ArrayList<>();
        List<String> alsoApplied = new ArrayList<>();
        manifests.extras(target, tag).forEach(extra -> extra.objects().forEach(o -> alsoApplied.add(describe(o))));
        manifests.deployment(target, tag).objects().stream().filter(o -> !(o instanceof Deployment))
                .forEach(o -> alsoApplied.add(describe(o)));
        manifests.hpa(target, tag).ifPresent(hpa -> hpa.objects().forEach(o -> alsoApplied.add(describe(o))));
        steps.add(new DeployColor(target, manifests.deploymentNames(target), image, alsoApplied,
                settings.deploymentTimeout()));
        if (first) {
            manifests.seedJobs(target, tag).ifPresent(seed -> steps.add(new SeedDatabase(
                    seed.all(Job.class).stream().map(j -> j.getMetadata().getName()).toList(),
                    settings.dbMigrationsJobTimeout())));
        } else if (settings.dbMigrationsStatusCommand().isPresent() || settings.dbMigrationsApplyCommand().isPresent()) {
            steps.add(new MigrateDatabase(manifests.servedDeployment(target), settings.dbMigrationsStatusCommand(),
                    settings.dbMigrationsApplyCommand(), settings.dbMigrationsRollbackCommand()));
        }
        manifests.smokeService(target, tag).ifPresent(smoke -> steps.add(new SmokeTest(
                smoke.single(Service.class).getMetadata().getName(), settings.smokeTestsCommand(),
                settings.smokeServiceTimeout())));
        live.ifPresent(l -> steps.add(new MatchCapacity(target, l, manifests.deploymentNames(target),
                settings.deploymentTimeout())));
        if (settings.analysis().enabled()) {
            // After the capacity step: both colors serve with as many replicas when they are compared.
            steps.add(analysisStep(target, live, tag));
        }
        if (promote) {
            addSwap(steps, target, live);
        } else {
            steps.add(new HoldPreview(target, manifests.servedDeployment(target), manifests.serviceName()));
        }
        return steps;
    }

    private void addSwap(List<Step> steps, Color target, Optional<Color> live) {
        steps.add(new SwapService(manifests.serviceName(), target, live, settings.serviceTimeout(),
                settings.deploymentTimeout()));
        // Without a previous color there is nothing to swap back to: a first publish is not watched.
        if (live.isPresent() && settings.analysis().watch().isPresent()) {
            if (!manifests.servedPodsHavePort(target, METRICS_PORT)) {
                // Found out after the swap, the new color would be live and unwatched.
                throw new ConfigurationException("ANALYSIS_WATCH reads the new color's metrics, but the pods of deployment "
                        + manifests.servedDeployment(target) + " in " + manifests.deploymentSource()
                        + " have no container port named " + METRICS_PORT);
            }
            steps.add(new WatchLive(target, live.get(), manifests.servedDeployment(target),
                    settings.analysis().watch().get(), settings.analysis().gates(), settings.analysis().watchBlind()));
        }
        if (live.isPresent() && settings.scaleDownDelay().isPresent()) {
            steps.add(new ScheduleScaleDown(target.other(), manifests.deploymentNames(target.other()),
                    manifests.serviceName(), settings.scaleDownDelay().get()));
        }
    }

    private AnalyzeColor analysisStep(Color target, Optional<Color> live, String tag) {
        String preview = manifests.smokeService(target, tag)
                .map(smoke -> smoke.single(Service.class).getMetadata().getName())
                .orElseThrow(() -> new ConfigurationException("the ANALYSIS_* gates need SMOKE_SERVICE_CONFIG: the "
                        + "analysis reaches the new color through its smoke Service"));
        Gates gates = settings.analysis().gates();
        if (live.isEmpty()) {
            gates = gates.withoutP99Ratio();
        }
        return new AnalyzeColor(target, preview, live, manifests.serviceName(), settings.analysis().shape(), gates,
                settings.analysis().token(), settings.smokeServiceTimeout());
    }

    /**
     * {@code promote}: the preview a {@code publish --no-promote} left, swapped in with the same checks
     * as a publish (capacity, analysis). Refused when the idle color holds no preview. Its record starts
     * as the preview's release ended (deployed, migrated), so its undo takes the preview out as an abort
     * would.
     */
    public Start promotion(KubeCluster cluster, Optional<Color> live, String id, String holder) {
        Color target = live.map(Color::other).orElse(Color.BLUE);
        PreviewRecord preview = preview(cluster, target, "promote");
        String tag = preview.previewTag().orElseThrow();
        cluster.awaitDeployment(manifests.servedDeployment(target), Optional.of(tag), settings.deploymentTimeout());
        List<Step> steps = new ArrayList<>();
        live.ifPresent(l -> steps.add(new MatchCapacity(target, l, manifests.deploymentNames(target),
                settings.deploymentTimeout())));
        if (settings.analysis().enabled()) {
            steps.add(analysisStep(target, live, tag));
        }
        addSwap(steps, target, live);
        PublishPlan plan = new PublishPlan(new ImageRef(settings.imageName(), tag), target, live, steps, List.of());
        ReleaseRecord record = previewRecord(preview, id, "promote", tag, target, live, holder);
        return new Start(plan, record);
    }

    /** A release about to run: its plan and the record it starts from. */
    public record Start(PublishPlan plan, ReleaseRecord record) {}

    /** A new release of {@code tag}, from nothing. */
    public Start start(String tag, Optional<Color> live, boolean promote, String id, String holder) {
        PublishPlan plan = plan(tag, live, promote);
        return new Start(plan, ReleaseRecord.start(id, command(promote), tag, plan.target(), live,
                tools.clock().instant(), holder));
    }

    /**
     * The release an interrupted one left, finished: the same steps from the deploy on (each is
     * idempotent), or, once the public Service selects the new color, only those after the swap, so
     * a resumed release never swaps twice.
     *
     * @param swapped whether the public Service selects the record's target now
     */
    public Start resume(ReleaseRecord record, boolean swapped, String holder) {
        boolean promote = !record.command().endsWith("--no-promote");
        List<Step> steps = releaseSteps(record.tag(), record.previous(), promote);
        if (swapped) {
            steps = steps.subList(indexOf(steps, "swap") + 1, steps.size());
        }
        PublishPlan plan = new PublishPlan(new ImageRef(settings.imageName(), record.tag()), record.target(),
                record.previous(), steps, List.of());
        tools.log().accept("resuming the interrupted " + record.command() + " of tag " + record.tag() + " to "
                + record.target().label() + " (stopped at step " + record.step() + ")"
                + (swapped ? ": the public Service already selects " + record.target().label() + ", so no second swap"
                : ": every step again, each finishing what was half done"));
        ReleaseRecord resumed = new ReleaseRecord(record.id(), record.command(), record.tag(), record.target(),
                record.previous(), record.startedAt(), holder, record.reached(), ReleaseRecord.Phase.RUNNING,
                record.deployed(), record.migrationStatus(), record.migrationApplied(), record.swapped(), Optional.empty());
        return new Start(plan, resumed);
    }

    private static int indexOf(List<Step> steps, String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no step " + name + " in the plan");
    }

    private static String command(boolean promote) {
        return promote ? "publish" : "publish --no-promote";
    }

    /**
     * Runs the release's steps in order under its lease. When a step fails, the release is stopped
     * (SIGINT, SIGTERM), or the lease turns out to be lost, see {@link #undo}: what the user sees is
     * the failure, what was undone, and what to run next, with the failure's exit code.
     */
    public Outcome run(Start start, KubeCluster cluster, ClusterLock lock) {
        PublishPlan plan = start.plan();
        Release release = new Release(plan, cluster, manifests, settings, tools, lock, start.record());
        release.update(record -> start.record());
        for (int i = 0; i < plan.steps().size(); i++) {
            Step step = plan.steps().get(i);
            try {
                stop.requested().ifPresent(why -> {
                    throw new StoppedException("stopped by " + why + " before step " + step.name());
                });
                tools.log().accept("==> " + (i + 1) + "/" + plan.steps().size() + " " + step.describe());
                release.update(record -> record.entering(step.name()));
                step.run(release);
            } catch (InterruptedException e) {
                throw undo(release, step, new ClusterException("interrupted during step " + step.name(), e));
            } catch (RuntimeException e) {
                throw undo(release, step, e);
            }
        }
        release.finish();
        if (release.unverified().isPresent()) {
            // Live, but unobserved, and the settings ask to hold rather than swap back: not a success.
            throw new ClusterException(release.unverified().get());
        }
        boolean held = plan.steps().stream().anyMatch(step -> step instanceof HoldPreview);
        tools.log().accept((held ? "previewing " : "published ") + plan.image() + " as " + plan.target().label());
        return held ? Outcome.PREVIEWING : Outcome.PUBLISHED;
    }

    /**
     * Undoes every step the release reached, newest first (a swap back, the migrations' rollback, the
     * new color taken out), and returns the failure to throw, its message extended by what was undone.
     * An undo that cannot be done stops the undo there and leaves the record, phase undo-incomplete,
     * for {@code bg-kube abort} to finish; a lost lease undoes nothing (another process acts on the
     * service now).
     */
    private BgKubeException undo(Release release, Step failed, RuntimeException cause) {
        Optional<String> stopped = stop.requested().map(reason -> "stopped by " + reason + " during step " + failed.name());
        BgKubeException failure = stopped.<BgKubeException>map(StoppedException::new).orElseGet(() -> ApiFailures.asBgKube(cause));
        String why = failure.getMessage();
        if (failure instanceof LeaseLostException) {
            return failure.withMessage(why + "; stopped before step " + failed.name() + " and undid nothing: "
                    + "bg-kube status shows the release it left");
        }
        // The stop interrupted this thread; the undo must be able to wait (for a swap back, a command).
        Thread.interrupted();
        tools.log().accept("undoing the " + release.record().command() + " of tag " + release.record().tag() + " to "
                + release.record().target().label() + ": " + why);
        try {
            return failure.withMessage(why + "; " + undoReached(release).afterFailure());
        } catch (RuntimeException e) {
            return failure.withMessage(why + "; the undo failed: " + ApiFailures.asBgKube(e).getMessage()
                    + "; the record of the release is kept: bg-kube abort finishes undoing it");
        }
    }

    /**
     * What an undo did, newest first, and where it stopped when it could not finish (the record of the
     * release is then kept, phase undo-incomplete).
     */
    private record Undone(List<String> done, Optional<String> stoppedAt) {

        /** As the narrative after a failure: what was undone, then where it stopped. */
        String afterFailure() {
            return String.join("; ", done) + stoppedAt.map(stop -> (done.isEmpty() ? "" : "; ") + stop).orElse("");
        }

        /** As an abort's own message: where it stopped first (that is the failure), then what it did. */
        String asFailure() {
            return stoppedAt.orElseThrow() + (done.isEmpty() ? "" : "; before that it " + String.join("; ", done));
        }
    }

    /**
     * Undoes the reached steps, newest first. An API server that stops answering meanwhile (its
     * retries spent) ends the undo where it is, with the record as last written: the next
     * {@code abort} reads it and goes on from there.
     */
    private Undone undoReached(Release release) {
        try {
            release.update(record -> record.withPhase(ReleaseRecord.Phase.UNDOING, Optional.empty()));
        } catch (RuntimeException e) {
            if (stop.requested().isPresent()) {
                throw e;
            }
            return new Undone(List.of(), Optional.of("the undo could not start: " + ApiFailures.asBgKube(e).getMessage()
                    + "; nothing was undone and the record of the release is kept: bg-kube abort undoes it"));
        }
        ReleaseRecord record = release.record();
        List<Step> steps = releaseSteps(record.tag(), record.previous(), true);
        List<String> done = new ArrayList<>();
        boolean swappedBack = false;
        for (int i = record.reached().size() - 1; i >= 0; i--) {
            String name = record.reached().get(i);
            Optional<Step> step = steps.stream().filter(s -> s.name().equals(name)).findFirst();
            if (step.isEmpty()) {
                continue;
            }
            try {
                Optional<String> note = step.get().undo(release);
                note.ifPresent(done::add);
                swappedBack |= step.get() instanceof SwapService && note.isPresent();
            } catch (RuntimeException e) {
                String problem = ApiFailures.asBgKube(e).getMessage();
                try {
                    release.update(r -> r.withPhase(ReleaseRecord.Phase.UNDO_INCOMPLETE, Optional.of(problem)));
                } catch (RuntimeException recordNotWritten) {
                    if (stop.requested().isPresent()) {
                        throw recordNotWritten;
                    }
                    // The record stays as last written (undoing, this step still reached), which the
                    // next abort reads the same way.
                    tools.log().accept("could not mark the undo as stopped in the release's record: "
                            + ApiFailures.asBgKube(recordNotWritten).getMessage());
                }
                return new Undone(done, Optional.of("undo stopped at step " + name + ": " + problem
                        + "; the record of the release is kept: bg-kube abort finishes undoing it"));
            }
        }
        release.finish();
        if (!swappedBack) {
            done.add(release.serviceUnchanged());
        }
        tools.log().accept(String.join("; ", done));
        return new Undone(done, Optional.empty());
    }

    /**
     * {@code abort} and {@code rollback} of a release whose process was killed: its reached steps
     * undone from its record, as that process would have.
     */
    public String undoInterrupted(ReleaseRecord record, KubeCluster cluster, ClusterLock lock) {
        tools.log().accept("undoing " + record.describe());
        return undoRecorded(record, cluster, lock);
    }

    /**
     * Undoes a recorded release. Stopped meanwhile (SIGINT, SIGTERM), it ends there: what it undid stays
     * undone, the rest stays recorded for the next {@code abort}.
     */
    private String undoRecorded(ReleaseRecord record, KubeCluster cluster, ClusterLock lock) {
        PublishPlan plan = new PublishPlan(new ImageRef(settings.imageName(), record.tag()), record.target(),
                record.previous(), List.of(), List.of());
        Release release = new Release(plan, cluster, manifests, settings, tools, lock, record);
        Undone undone;
        try {
            undone = undoReached(release);
        } catch (RuntimeException e) {
            if (stop.requested().isEmpty()) {
                throw e;
            }
            Thread.interrupted();
            throw new StoppedException("stopped by " + stop.requested().get() + " while undoing the " + record.command()
                    + " of tag " + record.tag() + "; what is not undone yet stays recorded: bg-kube abort finishes undoing it");
        }
        if (undone.stoppedAt().isPresent()) {
            throw stop.requested().<BgKubeException>map(why -> new StoppedException("stopped by " + why + " while undoing: "
                    + undone.asFailure())).orElseGet(() -> new ClusterException(undone.asFailure()));
        }
        return String.join("; ", undone.done());
    }

    /**
     * {@code abort}: the preview a {@code publish --no-promote} left is taken out (migrations rolled back,
     * scaled to zero, its HPA deleted); the public Service is not touched. Refused when the idle color
     * holds no preview: it may be the previous color, kept for an instant rollback.
     */
    public String abortPreview(KubeCluster cluster, Optional<Color> live, ClusterLock lock, String id, String holder) {
        Color color = live.map(Color::other).orElse(Color.BLUE);
        PreviewRecord preview = preview(cluster, color, "abort");
        ReleaseRecord record = previewRecord(preview, id, "publish --no-promote", preview.previewTag().orElseThrow(), color,
                live, holder);
        tools.log().accept("taking out the preview " + color.label() + " (tag " + record.tag() + ")");
        try {
            lock.annotate(Map.of(ReleaseRecord.ANNOTATION, Optional.of(record.toJson())));
        } catch (RuntimeException e) {
            if (stop.requested().isEmpty()) {
                throw e;
            }
            throw new StoppedException("stopped by " + stop.requested().get() + " before taking out the preview "
                    + color.label() + ", which is as it was: bg-kube abort takes it out");
        }
        return undoRecorded(record, cluster, lock);
    }

    /** The record of a preview's release as it ended: deployed and, after a live color, migrated. */
    private ReleaseRecord previewRecord(PreviewRecord preview, String id, String command, String tag, Color target,
            Optional<Color> live, String holder) {
        ReleaseRecord record = ReleaseRecord.start(id, command, tag, target, live, tools.clock().instant(), holder)
                .entering("deploy").withDeployed(true);
        if (live.isPresent() && preview.migrationApplied()) {
            record = record.entering("migrate").withMigration(preview.migration(), true);
        }
        return record;
    }

    private PreviewRecord preview(KubeCluster cluster, Color color, String command) {
        PreviewRecord record = PreviewRecord.read(cluster, manifests, color);
        if (!record.isPreview()) {
            throw new ClusterException("nothing to " + command + ": deployment " + manifests.servedDeployment(color)
                    + " holds no preview (publish --no-promote leaves one)");
        }
        return record;
    }

    /**
     * The plan's delayed scale-down of the previous color, after the lease of the release was released
     * (so a rollback can run during the delay, which is what the delay is for): waits, takes the lease
     * again, and scales down if this release's scale-down is still recorded and due (a rollback or a new
     * release of that color cancels it).
     *
     * @param lock takes the lease again; refused when another command runs, which then leaves it recorded
     */
    public void scaleDownAfterDelay(PublishPlan plan, String releaseId, KubeCluster cluster, Supplier<ClusterLock> lock) {
        for (Step step : plan.steps()) {
            if (step instanceof ScheduleScaleDown scaleDown) {
                scaleDown(cluster, scaleDown, releaseId, lock);
            }
        }
    }

    private void scaleDown(KubeCluster cluster, ScheduleScaleDown scaleDown, String releaseId, Supplier<ClusterLock> lock) {
        Optional<ReleaseState.ScaleDown> recorded = ReleaseState.read(cluster, manifests).flatMap(ReleaseState::scaleDown)
                .filter(s -> s.release().equals(releaseId));
        if (recorded.isEmpty()) {
            return;
        }
        tools.log().accept("waiting " + scaleDown.delay().toSeconds() + "s before scaling down " + scaleDown.color().label()
                + " (the lease is released meanwhile: a rollback may run)");
        try {
            sleeper.sleep(scaleDown.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedException("stopped before scaling down " + scaleDown.color().label() + " (the release is "
                    + "done); the scale-down stays recorded on service " + manifests.serviceName()
                    + " (bg-kube status shows it)");
        }
        ClusterLock held;
        try {
            held = lock.get();
        } catch (ClusterException e) {
            tools.log().accept("scale-down of " + scaleDown.color().label() + " left to the command now running "
                    + "(it stays recorded): " + e.getMessage());
            return;
        }
        try (held) {
            // A rollback during the delay made this color live again, or a new release redeployed it.
            Optional<ReleaseState.ScaleDown> due = ReleaseState.read(cluster, manifests).flatMap(ReleaseState::scaleDown)
                    .filter(s -> s.release().equals(releaseId) && s.color() == scaleDown.color());
            if (due.isEmpty()) {
                tools.log().accept("scale-down of " + scaleDown.color().label()
                        + " is no longer recorded (a rollback, or a new release of it): skipped");
                return;
            }
            held.ensureHeld();
            ScaleDowns.scaleToZero(cluster, manifests, scaleDown.color());
            cluster.annotateService(manifests.serviceName(), Map.of(), ReleaseState.SCALE_DOWN_KEYS);
        } catch (RuntimeException e) {
            throw new ClusterException("published, but the scale-down of " + scaleDown.color().label() + " failed: "
                    + ApiFailures.asBgKube(e).getMessage() + "; it stays recorded on service " + manifests.serviceName()
                    + " (bg-kube status shows it)", e);
        }
    }

    private static String describe(HasMetadata object) {
        return object.getKind().toLowerCase(Locale.ROOT) + " " + object.getMetadata().getName();
    }
}
