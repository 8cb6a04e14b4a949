package dev.todokube.bgkube.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Every figure of an analysis as JSON: the plan, both sides (with their per-second history; latency
 * and {@code ok_per_s} of the OK calls), each gate, any refusal, the verdict.
 */
public final class AnalysisJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AnalysisJson() {
    }

    public static String render(AnalysisResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("started_at", result.startedAt().toString());
        root.set("plan", plan(result.plan()));
        root.set("target", side(result.target()));
        result.baseline().ifPresentOrElse(baseline -> root.set("baseline", side(baseline)), () -> root.putNull("baseline"));
        ArrayNode gates = root.putArray("gates");
        for (GateResult gate : result.verdict().gates()) {
            ObjectNode node = gates.addObject();
            node.put("gate", gate.gate());
            node.put("side", gate.side());
            node.put("source", gate.source());
            node.put("threshold", gate.threshold());
            node.put("value", gate.value());
            number(node, "limit", gate.limit());
            number(node, "measured", gate.measured());
            node.put("passed", gate.passed());
        }
        ArrayNode refusals = root.putArray("refusals");
        for (Refusal refusal : result.verdict().refusals()) {
            ObjectNode node = refusals.addObject();
            node.put("side", refusal.side());
            node.put("source", refusal.source());
            node.put("refused", refusal.refused());
            node.put("calls", refusal.calls());
            counts(node.putObject("by_code"), refusal.byCode());
        }
        root.put("passed", result.verdict().passed());
        root.put("reason", result.verdict().reason());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode plan(AnalysisPlan plan) {
        ObjectNode node = JSON.createObjectNode();
        plan.target().forEach(node.putArray("target")::add);
        plan.baseline().forEach(node.putArray("baseline")::add);
        ArrayNode targetMetrics = node.putArray("target_metrics");
        plan.targetMetrics().forEach(uri -> targetMetrics.add(uri.toString()));
        ArrayNode baselineMetrics = node.putArray("baseline_metrics");
        plan.baselineMetrics().forEach(uri -> baselineMetrics.add(uri.toString()));
        LoadShape shape = plan.shape();
        node.put("duration_s", shape.duration().toMillis() / 1000.0);
        node.put("users", shape.users());
        node.put("spawn_rate", shape.spawnRate());
        node.put("tasks", shape.tasks());
        shape.waitTime().ifPresentOrElse(wait -> node.put("wait_time", wait), () -> node.putNull("wait_time"));
        node.put("warm_up_s", shape.warmUp().toMillis() / 1000.0);
        shape.deadline().ifPresentOrElse(d -> node.put("deadline_s", d.toMillis() / 1000.0), () -> node.putNull("deadline_s"));
        ObjectNode gates = node.putObject("gates");
        Gates g = plan.gates();
        g.maxErrorRate().ifPresent(v -> gates.put("max_error_rate", v));
        g.maxP99().ifPresent(v -> gates.put("max_p99_ms", v.toNanos() / 1e6));
        g.maxP99Ratio().ifPresent(v -> gates.put("max_p99_ratio", v));
        g.minRps().ifPresent(v -> gates.put("min_rps", v));
        gates.put("error_ceiling", g.errorCeiling());
        node.put("token", plan.token().map(AnalysisToken::origin).orElse(null));
        plan.routes().ifPresentOrElse(routes -> {
            ObjectNode reached = node.putObject("routes");
            reached.put("target", routes.target().describe());
            reached.put("baseline", routes.baseline().map(Route::describe).orElse(null));
            reached.put("alike", routes.alike());
        }, () -> node.putNull("routes"));
        return node;
    }

    private static ObjectNode side(SideResult side) {
        ObjectNode node = JSON.createObjectNode();
        side.addresses().forEach(node.putArray("addresses")::add);
        node.put("calls", side.calls());
        node.put("failures", side.failures());
        number(node, "error_rate", side.errorRate());
        number(node, "p50_ms", side.p50Ms());
        number(node, "p95_ms", side.p95Ms());
        number(node, "p99_ms", side.p99Ms());
        node.put("ok_calls", side.okCalls());
        node.put("ok_per_s", side.okPerSecond());
        node.put("elapsed_s", side.elapsedSeconds());
        counts(node.putObject("errors"), side.errors());
        ArrayNode history = node.putArray("history");
        for (HistorySample sample : side.history()) {
            ObjectNode point = history.addObject();
            point.put("t_s", sample.atSeconds());
            point.put("users", sample.users());
            point.put("requests_per_s", sample.requestsPerSecond());
            point.put("failures_per_s", sample.failuresPerSecond());
            number(point, "mean_ms", sample.meanMs());
        }
        for (String source : List.of(ServerMetrics.METRICS, ServerMetrics.PROMETHEUS)) {
            side.server(source).ifPresentOrElse(server -> {
                ObjectNode metrics = node.putObject(source);
                ArrayNode sources = metrics.putArray("sources");
                server.sources().forEach(uri -> sources.add(uri.toString()));
                metrics.put("calls", server.calls());
                metrics.put("errors", server.errors());
                number(metrics, "error_rate", server.errorRate());
                number(metrics, "p99_ms", server.p99Ms());
                counts(metrics.putObject("calls_by_code"), server.callsByCode());
            }, () -> node.putNull(source));
        }
        return node;
    }

    private static void counts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }

    /** JSON has no NaN: a figure that could not be measured is null. */
    private static void number(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
