package dev.todokube.experiment.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todokube.charts.ChartScripts;
import dev.todokube.experiment.autoscale.Decision;
import dev.todokube.experiment.rehearsal.PodSummary;
import dev.todokube.experiment.rehearsal.RehearsalRecord;
import dev.todokube.experiment.rehearsal.TimelinePoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The rehearsal's report: an HTML page telling the autoscaling story on one time axis (replicas
 * desired and ready with the HPA's rescales, each pod's CPU against the target, requests and
 * failures per second, p50/p95/p99), the HPA's decisions, the pods' lives and this run beside the
 * article's figures; and the same facts as JSON. The page inlines ECharts and its data, so it opens
 * offline.
 */
public final class AutoscalingReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private AutoscalingReport() {
    }

    /**
     * Writes {@code html} and {@code json}, each whole or not at all.
     *
     * @param load what the load generator recorded; empty when it wrote nothing (stopped before its first report)
     * @param description the run's settings in a sentence (load, store, server)
     */
    public static void write(RehearsalRecord record, Optional<LoadHistory> load, String description, Path html,
            Path json) throws IOException {
        RunFigures figures = RunFigures.of(record, load);
        writeAtomically(json, JSON.writeValueAsString(summary(record, figures)));
        writeAtomically(html, page(record, load, figures, description));
    }

    private static String page(RehearsalRecord record, Optional<LoadHistory> load, RunFigures figures,
            String description) throws IOException {
        Instant start = record.autoscalingSince().orElse(Instant.EPOCH);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>Autoscaling rehearsal</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222;max-width:1200px}")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}td.text{text-align:left}")
                .append(".chart{width:100%;height:300px;margin-bottom:1em}")
                .append("\n</style>\n</head>\n<body>\n<h1>Autoscaling rehearsal</h1>\n<p>")
                .append(escape("HorizontalPodAutoscaler: " + record.autoscaler() + ". Pods request "
                        + record.cpuRequestMillis() + "m CPU and run within " + record.limits() + ". " + description
                        + " Autoscaling from " + CLOCK.format(start) + " UTC for " + minutes(figures.duration())
                        + "; times below are UTC, and +m:ss from that start."))
                .append("</p>\n<h2>This run and the article's</h2>\n");
        comparison(html, figures);
        html.append("<h2 id=\"charts\">Over time</h2>\n");
        for (String id : List.of("replicas-chart", "cpu-chart", "requests-chart", "latency-chart")) {
            html.append("<div class=\"chart\" id=\"").append(id).append("\"></div>\n");
        }
        html.append("<h2>The HPA's decisions</h2>\n");
        decisions(html, record, start);
        html.append("<h2>Pods</h2>\n");
        pods(html, record.pods(), start);
        html.append("<p>What the rehearsal models and what it does not (scheduling, image pulls, node capacity, "
                        + "kube-proxy): experiment/README.md, \"Autoscaling rehearsal\".</p>\n")
                .append(ChartScripts.inline(JSON.writeValueAsString(chartData(record, load))))
                .append("</body>\n</html>\n");
        return html.toString();
    }

    private static void comparison(StringBuilder html, RunFigures run) {
        RunFigures article = RunFigures.ARTICLE;
        html.append("<table class=\"comparison\">\n<tr><th></th><th>this run</th><th>the article</th></tr>\n");
        row(html, "replicas reached", Integer.toString(run.replicasReached()), Integer.toString(article.replicasReached()));
        row(html, "plateau: replicas, HPA's CPU", plateau(run), plateau(article));
        row(html, "requests/s", number(run.requestsPerSecond(), 1), "about 700");
        row(html, "requests", run.requests().map(n -> String.format(Locale.ROOT, "%,d", n)).orElse("-"),
                String.format(Locale.ROOT, "%,d", article.requests().orElseThrow()));
        row(html, "failures", run.failures().map(f -> failures(f, run.requests().orElse(0L))).orElse("-"), "0");
        row(html, "average response time", run.averageMs().isPresent() ? number(run.averageMs(), 1) + " ms" : "-",
                "19 ms");
        row(html, "duration", minutes(run.duration()), "about 20 min");
        html.append("</table>\n");
    }

    private static void decisions(StringBuilder html, RehearsalRecord record, Instant start) {
        List<Decision> shown = record.decisions().stream().filter(d -> d.event().isPresent()).toList();
        if (shown.isEmpty()) {
            html.append("<p>No rescale: the replica count stayed at ").append(record.autoscaler().minReplicas())
                    .append(" (").append(record.decisions().size()).append(" syncs).</p>\n");
            return;
        }
        html.append("<table class=\"decisions\">\n<tr><th>time</th><th>from</th><th>to</th><th>CPU seen</th>")
                .append("<th>event</th><th>limited by</th></tr>\n");
        for (Decision decision : shown) {
            Decision.Event event = decision.event().orElseThrow();
            html.append("<tr><td>").append(at(decision.at(), start)).append("</td><td>")
                    .append(decision.currentReplicas()).append("</td><td>").append(decision.desiredReplicas())
                    .append("</td><td>").append(percent(decision.utilization())).append("</td><td class=\"text\">")
                    .append(escape(event.type() + " " + event.reason() + ": " + event.message()))
                    .append("</td><td class=\"text\">").append(escape(decision.limitedBy().orElse("")))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void pods(StringBuilder html, List<PodSummary> pods, Instant start) {
        html.append("<table class=\"pods\">\n<tr><th>pod</th><th>created</th><th>ready after</th><th>deleted</th>")
                .append("<th>readiness lost</th><th>restarts</th></tr>\n");
        for (PodSummary pod : pods) {
            html.append("<tr><td>").append(escape(pod.name())).append("</td><td>").append(at(pod.created(), start))
                    .append("</td><td>").append(pod.firstReady().map(ready -> String.format(Locale.ROOT, "%.1f s",
                            Duration.between(pod.created(), ready).toMillis() / 1000.0)).orElse("never"))
                    .append("</td><td>").append(pod.deleted().map(deleted -> at(deleted, start)).orElse(""))
                    .append("</td><td>").append(pod.readinessLost()).append("</td><td>").append(pod.restarts())
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /**
     * {@code {"axis":"time","linked":true,"start","end","charts":[{"id","title","unit","step",
     * "series":[{"name","color","dots","points"}],"events":[{"at","label"}],"threshold","thresholdLabel"}]}},
     * times in epoch milliseconds: every chart on the autoscaling period's axis, linked.
     */
    private static ObjectNode chartData(RehearsalRecord record, Optional<LoadHistory> load) {
        ObjectNode root = JSON.createObjectNode().put("axis", "time").put("linked", true);
        List<TimelinePoint> timeline = record.timeline();
        Instant start = record.autoscalingSince().orElse(timeline.isEmpty() ? Instant.EPOCH : timeline.get(0).at());
        Instant end = timeline.isEmpty() ? start : timeline.get(timeline.size() - 1).at();
        root.put("start", start.toEpochMilli()).put("end", end.toEpochMilli());
        ArrayNode charts = root.putArray("charts");

        ObjectNode replicas = chart(charts, "replicas-chart", "Replicas", "replicas", true);
        series(replicas, "desired (HPA)", "#1f77b4", timeline, p -> OptionalDouble.of(p.desired()));
        series(replicas, "ready", "#2ca02c", timeline, p -> OptionalDouble.of(p.ready()));
        series(replicas, "running", "#7f7f7f", timeline, p -> OptionalDouble.of(p.running()));
        ArrayNode events = replicas.putArray("events");
        for (Decision decision : record.rescales()) {
            events.addObject().put("at", decision.at().toEpochMilli())
                    .put("label", decision.currentReplicas() + "→" + decision.desiredReplicas());
        }

        ObjectNode cpu = chart(charts, "cpu-chart", "CPU of each pod (% of its request)", "%", false);
        cpu.put("threshold", record.autoscaler().targetUtilization()).put("thresholdLabel", "target");
        Set<String> pods = new LinkedHashSet<>();
        timeline.forEach(point -> pods.addAll(point.cpuPercent().keySet()));
        for (String pod : pods) {
            series(cpu, pod, null, timeline, point -> point.cpuPercent().containsKey(pod)
                    ? OptionalDouble.of(point.cpuPercent().get(pod)) : OptionalDouble.empty());
        }
        series(cpu, "HPA's average", "#000000", record.decisions(), Decision::at,
                d -> d.utilization().isPresent() ? OptionalDouble.of(d.utilization().getAsInt()) : OptionalDouble.empty())
                .put("dots", true);

        List<LoadHistory.Point> points = load.map(LoadHistory::points).orElse(List.of());
        ObjectNode requests = chart(charts, "requests-chart", "Requests per second", "req/s", false);
        series(requests, "requests/s", "#1f77b4", points, LoadHistory.Point::at,
                p -> OptionalDouble.of(p.requestsPerSecond()));
        series(requests, "failures/s", "#d62728", points, LoadHistory.Point::at,
                p -> OptionalDouble.of(p.failuresPerSecond()));

        // Locust's master writes each second's percentiles over its last 10 s; loadtest run, over the run so far.
        ObjectNode latency = chart(charts, "latency-chart", "Response time (the generator's history: percentiles over "
                + "the run so far, or a Locust master's last 10 s)", "ms", false);
        series(latency, "p50", "#2ca02c", points, LoadHistory.Point::at, LoadHistory.Point::p50Ms);
        series(latency, "p95", "#ff7f0e", points, LoadHistory.Point::at, LoadHistory.Point::p95Ms);
        series(latency, "p99", "#8c564b", points, LoadHistory.Point::at, LoadHistory.Point::p99Ms);
        return root;
    }

    private static ObjectNode chart(ArrayNode charts, String id, String title, String unit, boolean step) {
        return charts.addObject().put("id", id).put("title", title).put("unit", unit).put("step", step);
    }

    private static void series(ObjectNode chart, String name, String color, List<TimelinePoint> timeline,
            Function<TimelinePoint, OptionalDouble> value) {
        series(chart, name, color, timeline, TimelinePoint::at, value);
    }

    private static <T> ObjectNode series(ObjectNode chart, String name, String color, List<T> items,
            Function<T, Instant> at, Function<T, OptionalDouble> value) {
        ArrayNode all = chart.has("series") ? (ArrayNode) chart.get("series") : chart.putArray("series");
        ObjectNode series = all.addObject().put("name", name);
        if (color != null) {
            series.put("color", color);
        }
        ArrayNode points = series.putArray("points");
        for (T item : items) {
            OptionalDouble v = value.apply(item);
            if (v.isPresent()) {
                points.addArray().add(at.apply(item).toEpochMilli()).add(v.getAsDouble());
            }
        }
        return series;
    }

    private static ObjectNode summary(RehearsalRecord record, RunFigures figures) {
        ObjectNode root = JSON.createObjectNode();
        root.put("autoscaler", record.autoscaler().toString()).put("cpu_request_m", record.cpuRequestMillis())
                .put("limits", record.limits().toString());
        record.autoscalingSince().ifPresent(start -> root.put("autoscaling_since", start.toString()));
        root.set("run", figures(figures));
        root.set("article", figures(RunFigures.ARTICLE));
        ArrayNode decisions = root.putArray("decisions");
        for (Decision decision : record.decisions()) {
            ObjectNode node = decisions.addObject().put("at", decision.at().toString())
                    .put("from", decision.currentReplicas()).put("to", decision.desiredReplicas());
            decision.utilization().ifPresent(u -> node.put("utilization_percent", u));
            decision.event().ifPresent(e -> node.put("event", e.type() + " " + e.reason() + ": " + e.message()));
            decision.limitedBy().ifPresent(l -> node.put("limited_by", l));
        }
        ArrayNode pods = root.putArray("pods");
        for (PodSummary pod : record.pods()) {
            ObjectNode node = pods.addObject().put("name", pod.name()).put("created", pod.created().toString())
                    .put("readiness_lost", pod.readinessLost()).put("restarts", pod.restarts());
            pod.firstReady().ifPresent(ready -> node.put("ready_after_s",
                    Duration.between(pod.created(), ready).toMillis() / 1000.0));
            pod.deleted().ifPresent(deleted -> node.put("deleted", deleted.toString()));
        }
        return root;
    }

    private static ObjectNode figures(RunFigures figures) {
        ObjectNode node = JSON.createObjectNode().put("replicas_reached", figures.replicasReached())
                .put("duration_s", figures.duration().toSeconds());
        figures.plateauReplicas().ifPresent(r -> node.put("plateau_replicas", r));
        figures.plateauUtilization().ifPresent(u -> node.put("plateau_utilization_percent", u));
        figures.requestsPerSecond().ifPresent(r -> node.put("requests_per_s", r));
        figures.requests().ifPresent(r -> node.put("requests", r));
        figures.failures().ifPresent(f -> node.put("failures", f));
        figures.averageMs().ifPresent(a -> node.put("avg_ms", a));
        return node;
    }

    private static void row(StringBuilder html, String what, String run, String article) {
        html.append("<tr><td>").append(escape(what)).append("</td><td>").append(escape(run)).append("</td><td>")
                .append(escape(article)).append("</td></tr>\n");
    }

    private static String plateau(RunFigures figures) {
        return figures.plateauReplicas().isPresent()
                ? figures.plateauReplicas().getAsInt() + " at " + percent(figures.plateauUtilization())
                : "none (rescaled in the last minute)";
    }

    private static String failures(long failures, long requests) {
        return String.format(Locale.ROOT, "%,d (%.2f%%)", failures, requests == 0 ? 0.0 : failures * 100.0 / requests);
    }

    private static String number(OptionalDouble value, int decimals) {
        return value.isPresent() ? String.format(Locale.ROOT, "%,." + decimals + "f", value.getAsDouble()) : "-";
    }

    private static String percent(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() + "%" : "-";
    }

    private static String at(Instant time, Instant start) {
        long seconds = Math.max(0, Duration.between(start, time).toSeconds());
        return CLOCK.format(time) + String.format(Locale.ROOT, " (+%d:%02d)", seconds / 60, seconds % 60);
    }

    private static String minutes(Duration duration) {
        return String.format(Locale.ROOT, "%d:%02d min", duration.toMinutes(), duration.toSecondsPart());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
