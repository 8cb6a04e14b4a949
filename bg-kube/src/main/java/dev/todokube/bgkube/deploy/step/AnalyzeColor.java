package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.AnalysisFailedException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.analysis.AnalysisPlan;
import dev.todokube.bgkube.analysis.AnalysisResult;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.LoadShape;
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
 * there is nothing to compare with, so a ratio gate is left out. Both sides are reached as the smoke
 * test reaches the new color (a load balancer's address, else a port-forward), so no load-generator
 * image has to be in the cluster; a port-forward reaches one pod per side, which makes this a
 * comparison of the two versions under the same load, not a capacity test.
 */
public record AnalyzeColor(Color color, String previewService, Optional<Color> live, String liveService,
        LoadShape shape, Gates gates, Duration reachTimeout) implements Step {

    /** The container port the analysis reads each pod's metrics from (todo-api's manifests name it so). */
    static final String METRICS_PORT = "metrics";

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder("analyze ").append(color.label()).append(" through service ")
                .append(previewService);
        live.ifPresentOrElse(l -> text.append(" against ").append(l.label()).append(" through service ")
                        .append(liveService).append(", the same load at the same time"),
                () -> text.append(" (first publish: no live color to compare with)"));
        text.append(": ").append(shape.describe()).append("; gates: ").append(gates.isEmpty()
                ? "none apply (a ratio gate needs a live color), the verdict only reports"
                : String.join(", ", gates.describe()));
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
        try (PortForwarder.Tunnel preview = cluster.reach(previewService, reachTimeout)) {
            List<String> baseline = new ArrayList<>();
            List<URI> baselineMetrics = new ArrayList<>();
            if (live.isPresent()) {
                PortForwarder.Tunnel liveTunnel = cluster.reach(liveService, reachTimeout);
                tunnels.add(liveTunnel);
                baseline.add(liveTunnel.address());
            }
            List<URI> targetMetrics = metricsOf(release, color, tunnels);
            if (!targetMetrics.isEmpty()) {
                live.ifPresent(l -> baselineMetrics.addAll(metricsOf(release, l, tunnels)));
            }
            AnalysisPlan analysis = new AnalysisPlan(List.of(preview.address()), baseline, shape, gates,
                    targetMetrics, baselineMetrics);
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
