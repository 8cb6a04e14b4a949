package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.analysis.Analyzer;
import dev.todokube.bgkube.cluster.ClusterLock;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.cluster.PodExec;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.image.ImageBuilder;
import dev.todokube.bgkube.process.CommandRunner;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One release while it runs: what its steps work with (the cluster, the manifests, the settings, the
 * local tools) and its {@link ReleaseRecord}, which every change writes to the release's Lease at
 * once, so that the record a killed process leaves behind is never behind the cluster.
 */
public final class Release {

    /** The tools a release's steps use besides the cluster; what is absent is not needed by the plan. */
    public record Tools(Optional<ImageBuilder> builder, CommandRunner commands, Optional<Analyzer> analyzer, Clock clock,
            Consumer<String> log) {}

    private final PublishPlan plan;
    private final KubeCluster cluster;
    private final ServiceManifests manifests;
    private final Settings settings;
    private final Tools tools;
    private final ClusterLock lock;
    private ReleaseRecord record;
    private Optional<String> unverified = Optional.empty();

    Release(PublishPlan plan, KubeCluster cluster, ServiceManifests manifests, Settings settings, Tools tools,
            ClusterLock lock, ReleaseRecord record) {
        this.plan = plan;
        this.cluster = cluster;
        this.manifests = manifests;
        this.settings = settings;
        this.tools = tools;
        this.lock = lock;
        this.record = record;
    }

    public PublishPlan plan() {
        return plan;
    }

    public KubeCluster cluster() {
        return cluster;
    }

    public ServiceManifests manifests() {
        return manifests;
    }

    public Settings settings() {
        return settings;
    }

    public Tools tools() {
        return tools;
    }

    public void log(String line) {
        tools.log().accept(line);
    }

    public ReleaseRecord record() {
        return record;
    }

    /**
     * Changes the record and writes it to the lease before returning: the write also proves the lease
     * is still this release's ({@link dev.todokube.bgkube.LeaseLostException} otherwise).
     */
    public void update(UnaryOperator<ReleaseRecord> change) {
        ReleaseRecord next = change.apply(record);
        lock.annotate(Map.of(ReleaseRecord.ANNOTATION, Optional.of(next.toJson())));
        record = next;
    }

    /**
     * The new color is live but could not be verified, and the settings ask to keep it so rather than
     * swap back: the release ends without scaling the previous color down, and says why.
     */
    public void markUnverified(String why) {
        unverified = Optional.of(why);
    }

    public Optional<String> unverified() {
        return unverified;
    }

    /** Proves the lease is still this release's, before a step changes what users are served. */
    public void ensureHeld() {
        lock.ensureHeld();
    }

    /** Removes the record: the release is done, or fully undone. */
    void finish() {
        lock.annotate(Map.of(ReleaseRecord.ANNOTATION, Optional.empty()));
    }

    /** The "service X left unchanged (still selects blue)" or "(not created)" of the release's messages. */
    public String serviceUnchanged() {
        return "service " + manifests.serviceName() + " left unchanged"
                + plan.live().map(c -> " (still selects " + c.label() + ")").orElse(" (not created)");
    }

    /**
     * Runs {@code sh -c command} (with {@code args} as its positional parameters) in a ready pod of the
     * Deployment, within the command timeout; a non-zero exit is a {@link ClusterException} naming it.
     */
    public PodExec.ExecResult runInPod(String deploymentName, String command, List<String> args) {
        Deployment deployment = cluster.deployment(deploymentName)
                .orElseThrow(() -> new ClusterException("deployment " + deploymentName + " does not exist"));
        List<String> argv = new ArrayList<>(List.of("sh", "-c", command, "sh"));
        argv.addAll(args);
        PodExec.ExecResult result = cluster.execInReadyPod(deployment, argv, settings.commandTimeout());
        if (!result.succeeded()) {
            throw new ClusterException("command '" + command + "' failed in deployment " + deploymentName
                    + " with exit code " + result.exitCode() + ": " + result.output().strip());
        }
        return result;
    }
}
