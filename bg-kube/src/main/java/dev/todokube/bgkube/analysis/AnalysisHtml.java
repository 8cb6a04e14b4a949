package dev.todokube.bgkube.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todokube.charts.ChartScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page: the verdict, the plan and the verdict table, then both sides'
 * latency over time on one chart and their throughput on another, drawn by ECharts (tooltips,
 * zoom, gridlines), through report-charts, which inlines the chart library, the drawing script and
 * the figures: nothing is fetched, so the file opens offline.
 */
public final class AnalysisHtml {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_COLOR = "#d9480f";
    private static final String BASELINE_COLOR = "#1c7ed6";

    private AnalysisHtml() {
    }

    /** @throws UncheckedIOException the chart library is not on the classpath (a broken build) */
    public static String render(AnalysisResult result) {
        List<SideResult> sides = new ArrayList<>(List.of(result.target()));
        result.baseline().ifPresent(sides::add);
        ArrayNode charts = JSON.createArrayNode();
        charts.add(chart("latency-chart", "ms", 2, sides, List.of(
                new Line("", false, HistorySample::meanMs))));
        charts.add(chart("throughput-chart", "calls/s", 1, sides, List.of(
                new Line(" calls/s", false, HistorySample::requestsPerSecond),
                new Line(" failures/s", true, HistorySample::failuresPerSecond))));
        ObjectNode data = JSON.createObjectNode().put("axis", "seconds");
        data.set("charts", charts);
        String verdict = result.verdict().passed() ? "PASS" : "FAIL";
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>bg-kube analysis: "
                + verdict + "</title>\n<style>\n"
                + "body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}"
                + "pre{background:#f4f4f4;padding:1em;overflow-x:auto}.pass{color:#2b8a3e}.fail{color:#c92a2a}"
                + ".chart{width:100%;height:340px;margin-bottom:1.5em}"
                + "\n</style>\n</head>\n<body>\n<h1>bg-kube analysis: <span class=\"" + verdict.toLowerCase(Locale.ROOT)
                + "\">" + verdict + "</span></h1>\n<p>" + escape(result.verdict().reason()) + "</p>\n<p>Started "
                + escape(result.startedAt().toString()) + "</p>\n<pre>" + escape(result.plan().describe()) + "</pre>\n<pre>"
                + escape(VerdictTable.render(result)) + "</pre>\n"
                + "<h2>Latency over time</h2>\n<p>Mean latency of the calls completed in each second, both sides on "
                + "one axis of seconds since the first sample.</p>\n<div class=\"chart\" id=\"latency-chart\"></div>\n"
                + "<h2>Throughput over time</h2>\n<p>Calls completed per second; failed calls per second dashed.</p>\n"
                + "<div class=\"chart\" id=\"throughput-chart\"></div>\n"
                + scripts(data) + "</body>\n</html>\n";
    }

    /** One series of a chart per side: its name is the side's plus {@code suffix}. */
    private record Line(String suffix, boolean dashed, ToDoubleFunction<HistorySample> value) {
    }

    private static ObjectNode chart(String id, String unit, int decimals, List<SideResult> sides, List<Line> lines) {
        ObjectNode chart = JSON.createObjectNode().put("id", id).put("unit", unit).put("decimals", decimals);
        ArrayNode series = chart.putArray("series");
        for (SideResult side : sides) {
            for (Line line : lines) {
                ObjectNode one = series.addObject().put("name", side.side() + line.suffix())
                        .put("color", side.side().equals(Verdict.TARGET) ? TARGET_COLOR : BASELINE_COLOR)
                        .put("dashed", line.dashed());
                ArrayNode points = one.putArray("points");
                for (HistorySample sample : side.history()) {
                    double value = line.value().applyAsDouble(sample);
                    // A second without a completed call has no latency: a gap, not a zero.
                    if (!Double.isNaN(value)) {
                        points.addArray().add(sample.atSeconds()).add(value);
                    }
                }
            }
        }
        return chart;
    }

    private static String scripts(ObjectNode data) {
        try {
            return ChartScripts.inline(JSON.writeValueAsString(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
