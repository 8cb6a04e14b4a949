package dev.todokube.loadtest.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todokube.charts.ChartScripts;
import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.HistoryPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML report: the request, percentile and error tables, and charts over time
 * (requests/s and failures/s; p50, p95 and p99 response time; users) drawn by ECharts with tooltips,
 * zoom, gridlines and time ticks. The chart library, the drawing script and the run's data are all
 * inlined: nothing is fetched, so the file opens offline.
 */
public final class HtmlReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<Chart> CHARTS = List.of(
            new Chart("requests-chart", "Requests per second", "req/s", 1, List.of(
                    new Series("requests/s", "#1f77b4", HistoryPoint::requestsPerSecond),
                    new Series("failures/s", "#d62728", HistoryPoint::failuresPerSecond))),
            new Chart("response-time-chart", "Response time", "ms", 1, List.of(
                    new Series("p50", "#2ca02c", HistoryPoint::p50Ms),
                    new Series("p95", "#ff7f0e", HistoryPoint::p95Ms),
                    new Series("p99", "#8c564b", HistoryPoint::p99Ms))),
            new Chart("users-chart", "Users", "users", 0, List.of(
                    new Series("users", "#9467bd", HistoryPoint::users))));

    private HtmlReport() {
    }

    public static void write(RunResult result, Path file) throws IOException {
        ReportFiles.writeAtomically(file, render(result));
    }

    static String render(RunResult result) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>Load test report</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}")
                .append("table.summary tr:last-child td{font-weight:bold}")
                .append("table.failures td:nth-child(3),table.failures th:nth-child(3){text-align:left}")
                .append(".chart{width:100%;max-width:1100px;height:340px;margin-bottom:1.5em}")
                .append("\n</style>\n</head>\n<body>\n<h1>Load test report</h1>\n<p>")
                .append(escape("Target " + result.plan().target() + ", " + result.plan().users() + " users, spawn rate "
                        + result.plan().spawnRate() + "/s, tasks " + result.plan().profile().tasks() + ", wait "
                        + result.plan().profile().waitTime() + ". Started "
                        + DateTimeFormatter.ISO_INSTANT.format(result.startedAt()) + ", ran "
                        + String.format(Locale.ROOT, "%.1f", result.elapsed().toMillis() / 1000.0) + " s."))
                .append("</p>\n<h2>Requests</h2>\n");
        requestTable(html, result);
        html.append("<h2>Response time percentiles (ms)</h2>\n");
        percentileTable(html, result);
        html.append("<h2>Failures</h2>\n");
        failureTable(html, result.errors());
        html.append("<h2 id=\"charts\">Charts</h2>\n");
        for (Chart chart : CHARTS) {
            html.append("<h3>").append(escape(chart.title())).append("</h3>\n<div class=\"chart\" id=\"")
                    .append(chart.id()).append("\"></div>\n");
        }
        html.append(ChartScripts.inline(chartData(result.history()))).append("</body>\n</html>\n");
        return html.toString();
    }

    /** One chart: its element id, heading, value axis unit, decimals shown, and its lines. */
    private record Chart(String id, String title, String unit, int decimals, List<Series> series) {
    }

    private record Series(String name, String color, ToDoubleFunction<HistoryPoint> value) {
    }

    /** {@code {"axis":"time","charts":[{"id","unit","decimals","series":[{"name","color","points":[[epochMs,value]...]}]}]}}. */
    private static String chartData(List<HistoryPoint> history) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode().put("axis", "time");
        ArrayNode charts = root.putArray("charts");
        for (Chart chart : CHARTS) {
            ObjectNode node = charts.addObject().put("id", chart.id()).put("unit", chart.unit())
                    .put("decimals", chart.decimals());
            ArrayNode seriesNodes = node.putArray("series");
            for (Series series : chart.series()) {
                ArrayNode points = seriesNodes.addObject().put("name", series.name()).put("color", series.color())
                        .putArray("points");
                for (HistoryPoint point : history) {
                    points.addArray().add(point.epochSecond() * 1000).add(series.value().applyAsDouble(point));
                }
            }
        }
        return JSON.writeValueAsString(root);
    }

    private static void requestTable(StringBuilder html, RunResult result) {
        html.append("<table class=\"summary\">\n<tr><th>Type</th><th>Name</th><th># requests</th><th># failures</th><th>Avg</th>")
                .append("<th>Min</th><th>Max</th><th>Median</th><th>req/s</th><th>failures/s</th></tr>\n");
        for (EntrySummary entry : withTotal(result)) {
            html.append("<tr>").append(cells(entry.method(), entry.name(), Long.toString(entry.requests()),
                    Long.toString(entry.failures()), Tables.ms(entry.avgMs()), Tables.ms(entry.minMs()),
                    Tables.ms(entry.maxMs()), Tables.ms(entry.p50Ms()),
                    String.format(Locale.ROOT, "%.2f", entry.requestsPerSecond()),
                    String.format(Locale.ROOT, "%.2f", entry.failuresPerSecond()))).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void percentileTable(StringBuilder html, RunResult result) {
        html.append("<table class=\"summary\">\n<tr><th>Type</th><th>Name</th><th>50%</th><th>66%</th><th>75%</th><th>80%</th>")
                .append("<th>90%</th><th>95%</th><th>98%</th><th>99%</th><th>99.9%</th><th>100%</th></tr>\n");
        for (EntrySummary entry : withTotal(result)) {
            html.append("<tr>").append(cells(entry.method(), entry.name(), Tables.ms(entry.p50Ms()),
                    Tables.ms(entry.p66Ms()), Tables.ms(entry.p75Ms()), Tables.ms(entry.p80Ms()),
                    Tables.ms(entry.p90Ms()), Tables.ms(entry.p95Ms()), Tables.ms(entry.p98Ms()),
                    Tables.ms(entry.p99Ms()), Tables.ms(entry.p999Ms()), Tables.ms(entry.p100Ms()))).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void failureTable(StringBuilder html, List<ErrorCount> errors) {
        if (errors.isEmpty()) {
            html.append("<p>No failures.</p>\n");
            return;
        }
        html.append("<table class=\"failures\">\n<tr><th>Method</th><th>Name</th><th>Error</th><th>Occurrences</th></tr>\n");
        for (ErrorCount error : errors) {
            html.append("<tr>").append(cells(error.method(), error.name(), error.error(),
                    Long.toString(error.occurrences()))).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static List<EntrySummary> withTotal(RunResult result) {
        List<EntrySummary> rows = new ArrayList<>(result.entries());
        rows.add(result.total());
        return rows;
    }

    private static String cells(String... values) {
        StringBuilder cells = new StringBuilder();
        for (String value : values) {
            cells.append("<td>").append(escape(value)).append("</td>");
        }
        return cells.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
