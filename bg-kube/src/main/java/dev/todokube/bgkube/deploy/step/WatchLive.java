package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.AnalysisFailedException;
import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.analysis.Gates;
import dev.todokube.bgkube.analysis.MetricsScraper;
import dev.todokube.bgkube.analysis.MetricsWindow;
import dev.todokube.bgkube.analysis.ServerMetrics;
import dev.todokube.bgkube.analysis.Verdict;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.cluster.PortForwarder;
import dev.todokube.bgkube.config.AnalysisSettings.WatchBlind;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.PreviewRecord;
import dev.todokube.bgkube.deploy.Release;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * After the swap: real traffic reaches the new color, and its pods count it themselves. The watch
 * reads each ready pod's {@code metrics} port every few seconds (the pods are listed again each time,
 * so those the HPA adds are counted from their first call) and checks the error rate and p99 since
 * the swap. It fails closed: a breached gate, or a moment with no ready pod at all (the color crash
 * loops or is OOM-killed under real traffic), fails the release (exit code 5), whose undo swaps back;
 * a watch that cannot observe (no reading for {@link #BLIND_AFTER}, or no call in its whole duration)
 * swaps back too, or, when the settings ask for it, holds the new color unverified and says so. It
 * never reports a pass it did not see.
 */
public record WatchLive(Color color, Color previous, String deployment, Duration duration, Gates gates,
        WatchBlind onBlind) implements Step {

    /** The container port the watch reads each pod's metrics from (todo-api's manifests name it so). */
    private static final String METRICS_PORT = "metrics";
    private static final Duration SAMPLE = Duration.ofSeconds(5);
    /** After a reading failed, the next is tried sooner than a sample later. */
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Three samples in a row without a reading: the watch is blind. */
    static final Duration BLIND_AFTER = SAMPLE.multipliedBy(3);

    @Override
    public String describe() {
        return "watch " + color.label() + " for " + duration.toSeconds() + "s: the metrics of each ready pod of "
                + deployment + ", gates " + String.join(", ", gates.describe()) + "; a breach, or no ready pod, swaps back to "
                + previous.label() + " at once (undoing the release) and exits 5; a watch that cannot observe "
                + (onBlind == WatchBlind.HOLD ? "holds " + color.label() + " unverified and exits 3"
                : "swaps back and exits 3");
    }

    @Override
    public String name() {
        return "watch";
    }

    @Override
    public void run(Release release) throws InterruptedException {
        Map<String, PortForwarder.Tunnel> tunnels = new HashMap<>();
        try {
            observe(release, tunnels);
        } finally {
            tunnels.values().forEach(PortForwarder.Tunnel::close);
        }
    }

    private void observe(Release release, Map<String, PortForwarder.Tunnel> tunnels) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long lastReading = start;
        long openedAt = 0;
        String lastProblem = "no reading yet";
        MetricsWindow window = null;
        ServerMetrics seen = null;
        while (true) {
            long now = System.nanoTime();
            long elapsed = (now - start) / 1_000_000_000;
            boolean read = false;
            try {
                if (window == null) {
                    window = MetricsWindow.open(new MetricsScraper(), () -> readyPodMetrics(release, tunnels), release::log);
                    openedAt = now;
                    release.log("watch " + elapsed + "s: window opened on " + deployment);
                } else {
                    seen = window.sinceOpened();
                    judge(release, seen, elapsed);
                }
                lastReading = now;
                read = true;
            } catch (NoReadyPod e) {
                throw breach(release, "no ready pod of deployment " + deployment + ": "
                        + release.cluster().diagnose(deployment));
            } catch (ClusterException | KubernetesClientException e) {
                lastProblem = e.getMessage();
                release.log("watch " + elapsed + "s: no reading (" + lastProblem + ")");
                if (now - lastReading >= BLIND_AFTER.toNanos()) {
                    blind(release, "no reading for " + BLIND_AFTER.toSeconds() + "s (" + lastProblem + ")");
                    return;
                }
            }
            // The window covers the whole duration, and at least one sample after it opened late.
            long until = Math.max(end, window == null || seen != null ? end : openedAt + SAMPLE.toNanos());
            if (now >= until) {
                break;
            }
            long pause = read ? SAMPLE.toNanos() : RETRY.toNanos();
            Thread.sleep(Math.max(1, Math.min(until - now, pause) / 1_000_000));
        }
        if (window == null) {
            blind(release, "no reading in " + duration.toSeconds() + "s (" + lastProblem + ")");
            return;
        }
        if (seen == null || seen.calls() == 0) {
            blind(release, "it counted no call in " + duration.toSeconds() + "s");
            return;
        }
        release.log("watch of " + color.label() + " passed");
    }

    private void judge(Release release, ServerMetrics seen, long elapsed) {
        if (seen.calls() == 0) {
            release.log("watch " + elapsed + "s: no calls yet");
            return;
        }
        Verdict verdict = Verdict.ofServer(gates, seen);
        release.log("watch " + elapsed + "s: " + seen.calls() + " calls, " + verdict.gates().stream()
                .map(g -> g.gate() + " " + g.value() + (g.passed() ? "" : " BREACHED")).reduce((a, b) -> a + ", " + b)
                .orElse(""));
        if (!verdict.passed()) {
            throw breach(release, verdict.reason());
        }
    }

    private BgKubeException breach(Release release, String reason) {
        PreviewRecord.recordAnalysis(release.cluster(), release.manifests(), color,
                "FAIL (post-promotion watch): " + reason, release.tools().clock().instant());
        return new AnalysisFailedException("post-promotion watch of " + color.label() + " failed: " + reason);
    }

    /** The watch cannot tell whether the new color is good: swap back, or hold it unverified if asked to. */
    private void blind(Release release, String why) {
        String what = "post-promotion watch of " + color.label() + " could not observe it: " + why;
        PreviewRecord.recordAnalysis(release.cluster(), release.manifests(), color,
                "INCONCLUSIVE (post-promotion watch): " + why, release.tools().clock().instant());
        if (onBlind == WatchBlind.SWAP_BACK) {
            throw new ClusterException(what + " (ANALYSIS_WATCH_BLIND=swap-back)");
        }
        release.markUnverified(what + "; " + color.label() + " stays live unverified, as ANALYSIS_WATCH_BLIND=hold asks, and "
                + previous.label() + " keeps its size for a rollback (no scale-down): bg-kube rollback swaps back");
        release.log(release.unverified().orElseThrow());
    }

    /**
     * The metrics endpoint of every ready pod of the Deployment, by pod name, through a port-forward
     * each: opened for pods not seen before, closed for pods no longer ready.
     *
     * @throws NoReadyPod the Deployment has no ready pod
     */
    private Map<String, URI> readyPodMetrics(Release release, Map<String, PortForwarder.Tunnel> tunnels) {
        KubeCluster cluster = release.cluster();
        Map<String, Integer> ready = cluster.readyPodPorts(deployment, METRICS_PORT);
        if (ready.isEmpty()) {
            throw new NoReadyPod();
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

    /** The new color has no ready pod: the Service has no endpoint, so users see errors now. */
    private static final class NoReadyPod extends RuntimeException {
        NoReadyPod() {
            super(null, null, false, false);
        }
    }
}
