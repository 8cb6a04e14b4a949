package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.AnalysisFailedException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.analysis.AnalysisPlan;
import dev.todokube.bgkube.analysis.AnalysisResult;
import dev.todokube.bgkube.analysis.AnalysisToken;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
import dev.todokube.bgkube.analysis.Route;
import dev.todokube.bgkube.analysis.VerdictTable;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.cluster.PortForwarder;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Release;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pre-promotion analysis: the same load at the new color, through its smoke Service, and at the
 * live color, through the public Service, at the same time; a failed gate fails the release (exit
 * code 5), whose undo rolls the migrations back and takes the new color out. Without a live color
 * there is nothing to compare with, so a ratio gate is left out. No load-generator image has to be
 * in the cluster: both sides are reached from here, the same kind of way, so a ratio of their
 * latencies compares the versions and not the paths: each through its load balancer's address when
 * both Services have one, else each through a port-forward to one pod (which makes this a comparison
 * of the two versions under the same load, not a capacity test).
 *
 * @param token the bearer token of every call (for a service with AUTH_TOKENS); it reaches the load
 *     generators through their environment, and {@link AnalysisToken#toString()} names only its origin
 */
public record AnalyzeColor(Color color, String previewService, Optional<Color> live, String liveService,
        LoadShape shape, Gates gates, Optional<AnalysisToken> token, Duration reachTimeout) implements Step {

    /** The container port the analysis reads each pod's metrics from (todo-api's manifests name it so). */
    static final String METRICS_PORT = "metrics";

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder("analyze ").append(color.label()).append(" through service ")
                .append(previewService);
        live.ifPresentOrElse(l -> text.append(" against ").append(l.label()).append(" through service ")
                        .append(liveService).append(", the same load at the same time"),
                () -> text.append(" (first publish: no live color to compare with)"));
        text.append(live.isPresent() ? ", each through its load balancer if both have one, else each through a "
                + "port-forward to one pod" : "").append(": ").append(shape.describe()).append("; gates: ").append(gates.isEmpty()
                ? "none apply (a ratio gate needs a live color), the verdict only reports"
                : String.join(", ", gates.describe()));
        text.append("; calls ").append(token.map(t -> "with " + t).orElse("without a token"));
        text.append("; a failed gate aborts the publish (exit 5)");
        return text.toString();
    }

    @Override
    public String name() {
        return "analysis";
    }

    @Override
    public void run(Release release) throws InterruptedException {
        KubeCluster cluster = release.cluster();
        AnalysisResult result;
        List<PortForwarder.Tunnel> tunnels = new ArrayList<>();
        try {
            Sides sides = reachBothSides(release, tunnels);
            List<URI> targetMetrics = metricsOf(release, color, tunnels);
            List<URI> baselineMetrics = targetMetrics.isEmpty() || live.isEmpty()
                    ? List.of() : metricsOf(release, live.get(), tunnels);
            AnalysisPlan analysis = new AnalysisPlan(List.of(sides.target()), sides.baseline().stream().toList(), shape,
                    gates, targetMetrics, baselineMetrics).withToken(token).withRoutes(sides.routes());
            result = release.tools().analyzer()
                    .orElseThrow(() -> new IllegalStateException("analysis planned without an analyzer")).run(analysis);
        } finally {
            tunnels.forEach(PortForwarder.Tunnel::close);
        }
        VerdictTable.render(result).lines().forEach(release::log);
        PreviewRecord.recordAnalysis(cluster, release.manifests(), color, (result.verdict().passed() ? "PASS: " : "FAIL: ")
                + result.verdict().reason(), release.tools().clock().instant());
        if (!result.verdict().passed()) {
            throw new AnalysisFailedException("analysis failed: " + result.verdict().reason());
        }
    }

    /** Each side's address and how it was reached. */
    private record Sides(String target, Optional<String> baseline, AnalysisPlan.Routes routes) {}

    /**
     * Opens the way to each side, the same kind for both: their load balancers' addresses when both
     * have one, else a port-forward each (added to {@code tunnels}).
     */
    private Sides reachBothSides(Release release, List<PortForwarder.Tunnel> tunnels) {
        KubeCluster cluster = release.cluster();
        Optional<String> previewAddress = cluster.loadBalancerAddress(previewService, reachTimeout);
        Optional<String> liveAddress = live.isPresent() && previewAddress.isPresent()
                ? cluster.loadBalancerAddress(liveService, reachTimeout) : Optional.empty();
        if (previewAddress.isPresent() && (live.isEmpty() || liveAddress.isPresent())) {
            return new Sides(previewAddress.get(), liveAddress, new AnalysisPlan.Routes(
                    new Route.ThroughService(previewService, previewAddress.get()),
                    liveAddress.map(address -> new Route.ThroughService(liveService, address))));
        }
        if (previewAddress.isPresent()) {
            release.log("service " + liveService + " has no load balancer address: each side is reached through a "
                    + "port-forward to one pod instead, so that their latencies compare");
        }
        PortForwarder.Tunnel preview = cluster.forwardToService(previewService);
        tunnels.add(preview);
        Optional<String> baseline = Optional.empty();
        if (live.isPresent()) {
            PortForwarder.Tunnel liveTunnel = cluster.forwardToService(liveService);
            tunnels.add(liveTunnel);
            baseline = Optional.of(liveTunnel.address());
        }
        return new Sides(preview.address(), baseline, new AnalysisPlan.Routes(
                new Route.PortForward(1, "service " + previewService),
                live.map(l -> new Route.PortForward(1, "service " + liveService))));
    }

    /**
     * The color's pods' own metrics endpoints, through a port-forward to each ready pod's port named
     * {@code metrics} (the tunnels are added to {@code tunnels}); none when its pods have no such port.
     */
    private static List<URI> metricsOf(Release release, Color side, List<PortForwarder.Tunnel> tunnels) {
        List<PortForwarder.Tunnel> opened;
        try {
            opened = release.cluster().forwardToReadyPods(release.manifests().servedDeployment(side), METRICS_PORT);
        } catch (ClusterException e) {
            release.log("no metrics for " + side.label() + " (" + e.getMessage() + "): the load's figures only");
            return List.of();
        }
        tunnels.addAll(opened);
        return opened.stream().map(t -> URI.create("http://" + t.address() + "/metrics")).toList();
    }
}
