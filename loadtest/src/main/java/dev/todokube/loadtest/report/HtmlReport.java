package dev.todokube.loadtest.report;

import dev.todokube.loadtest.runner.RunResult;
import dev.todokube.loadtest.stats.EntrySummary;
import dev.todokube.loadtest.stats.ErrorCount;
import dev.todokube.loadtest.stats.HistoryPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML report: the request, percentile and error tables and charts over time
 * (requests/s and failures/s, p50 and p95 response time, users) drawn as inline SVG. No script,
 * no font, nothing fetched: it opens in any browser, offline.
 */
public final class HtmlReport {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 220;
    private static final int MARGIN = 50;

    private HtmlReport() {
    }

    public static void write(RunResult result, Path file) throws IOException {
        ReportFiles.writeAtomically(file, render(result));
    }

    static String render(RunResult result) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>Load test report</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}")
                .append("tr:last-child td{font-weight:bold}")
                .append("svg{display:block;margin-bottom:1.5em;border:1px solid #eee}")
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
        html.append("<h2>Charts</h2>\n");
        List<HistoryPoint> history = result.history();
        chart(html, "Requests per second", history, List.of(
                new Series("requests/s", "#1f77b4", HistoryPoint::requestsPerSecond),
                new Series("failures/s", "#d62728", HistoryPoint::failuresPerSecond)));
        chart(html, "Response time (ms)", history, List.of(
                new Series("p50", "#2ca02c", HistoryPoint::p50Ms),
                new Series("p95", "#ff7f0e", HistoryPoint::p95Ms)));
        chart(html, "Users", history, List.of(new Series("users", "#9467bd", HistoryPoint::users)));
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private record Series(String label, String color, ToDoubleFunction<HistoryPoint> value) {
    }

    private static void requestTable(StringBuilder html, RunResult result) {
        html.append("<table>\n<tr><th>Type</th><th>Name</th><th># requests</th><th># failures</th><th>Avg</th>")
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
        html.append("<table>\n<tr><th>Type</th><th>Name</th><th>50%</th><th>66%</th><th>75%</th><th>80%</th>")
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
        html.append("<table>\n<tr><th>Method</th><th>Name</th><th>Error</th><th>Occurrences</th></tr>\n");
        for (ErrorCount error : errors) {
            html.append("<tr>").append(cells(error.method(), error.name(), error.error(),
                    Long.toString(error.occurrences()))).append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void chart(StringBuilder html, String title, List<HistoryPoint> history, List<Series> series) {
        html.append("<h3>").append(escape(title)).append("</h3>\n");
        html.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        double max = 0;
        for (Series s : series) {
            for (HistoryPoint point : history) {
                max = Math.max(max, s.value().applyAsDouble(point));
            }
        }
        double top = max <= 0 ? 1 : max * 1.1;
        int plotWidth = WIDTH - 2 * MARGIN;
        int plotHeight = HEIGHT - 2 * MARGIN;
        html.append(String.format(Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
                MARGIN, MARGIN, MARGIN, MARGIN + plotHeight, MARGIN, MARGIN + plotHeight, MARGIN + plotWidth,
                MARGIN + plotHeight));
        html.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>"
                        + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>%n",
                MARGIN - 4, MARGIN + 4, escape(Tables.ms(top)), MARGIN - 4, MARGIN + plotHeight + 4));
        if (!history.isEmpty()) {
            DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
            html.append(String.format(Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
                            + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s UTC</text>%n",
                    MARGIN, HEIGHT - MARGIN + 16,
                    clock.format(java.time.Instant.ofEpochSecond(history.get(0).epochSecond())),
                    MARGIN + plotWidth, HEIGHT - MARGIN + 16,
                    clock.format(java.time.Instant.ofEpochSecond(history.get(history.size() - 1).epochSecond()))));
        }
        int legendX = MARGIN;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < history.size(); i++) {
                double x = MARGIN + (history.size() == 1 ? 0 : (double) i * plotWidth / (history.size() - 1));
                double y = MARGIN + plotHeight - s.value().applyAsDouble(history.get(i)) / top * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            html.append(String.format(Locale.ROOT,
                    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    s.color(), points.toString().trim()));
            html.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
                    legendX, 14, s.color(), legendX + 16, 24, escape(s.label())));
            legendX += 120;
        }
        html.append("</svg>\n");
    }

    private static List<EntrySummary> withTotal(RunResult result) {
        List<EntrySummary> rows = new java.util.ArrayList<>(result.entries());
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
