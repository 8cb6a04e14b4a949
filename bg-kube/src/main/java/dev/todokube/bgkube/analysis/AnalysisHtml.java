package dev.todokube.bgkube.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A self-contained HTML page (no scripts, no external files): the verdict table, and charts of both
 * sides' latency and throughput over time, drawn as inline SVG on one time axis.
 */
public final class AnalysisHtml {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 220;
    private static final int MARGIN = 80;
    private static final String TARGET_COLOR = "#d9480f";
    private static final String BASELINE_COLOR = "#1c7ed6";

    private AnalysisHtml() {
    }

    public static String render(AnalysisResult result) {
        List<SideResult> sides = new ArrayList<>(List.of(result.target()));
        result.baseline().ifPresent(sides::add);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><title>bg-kube analysis</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:60em}pre{background:#f4f4f4;padding:1em}")
                .append(".pass{color:#2b8a3e}.fail{color:#c92a2a}svg{display:block;margin:1em 0}</style></head><body>\n")
                .append("<h1>bg-kube analysis: <span class=\"").append(result.verdict().passed() ? "pass\">PASS" : "fail\">FAIL")
                .append("</span></h1>\n<p>").append(escape(result.verdict().reason())).append("</p>\n")
                .append("<p>Started ").append(escape(result.startedAt().toString())).append("</p>\n")
                .append("<pre>").append(escape(result.plan().describe())).append("</pre>\n")
                .append("<pre>").append(escape(VerdictTable.render(result))).append("</pre>\n")
                .append("<h2>Latency over time</h2>\n<p>Mean latency of the calls completed in each second (ms).</p>\n")
                .append(chart(sides, HistorySample::meanMs, "ms"))
                .append("<h2>Throughput over time</h2>\n<p>Calls completed per second; failed calls per second dashed.</p>\n")
                .append(throughputChart(sides))
                .append("</body></html>\n");
        return html.toString();
    }

    private static String chart(List<SideResult> sides, ToDoubleFunction<HistorySample> value, String unit) {
        List<Series> series = new ArrayList<>();
        for (SideResult side : sides) {
            series.add(new Series(side.side(), color(side), false, side.history(), value));
        }
        return svg(series, unit);
    }

    private static String throughputChart(List<SideResult> sides) {
        List<Series> series = new ArrayList<>();
        for (SideResult side : sides) {
            series.add(new Series(side.side() + " req/s", color(side), false, side.history(),
                    HistorySample::requestsPerSecond));
            series.add(new Series(side.side() + " failures/s", color(side), true, side.history(),
                    HistorySample::failuresPerSecond));
        }
        return svg(series, "calls/s");
    }

    private record Series(String name, String color, boolean dashed, List<HistorySample> samples,
                          ToDoubleFunction<HistorySample> value) {
    }

    private static String svg(List<Series> series, String unit) {
        long maxT = 1;
        double maxY = 0;
        for (Series s : series) {
            for (HistorySample sample : s.samples()) {
                maxT = Math.max(maxT, sample.atSeconds());
                double y = s.value().applyAsDouble(sample);
                if (!Double.isNaN(y)) {
                    maxY = Math.max(maxY, y);
                }
            }
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        int plotW = WIDTH - 2 * MARGIN;
        int plotH = HEIGHT - 2 * MARGIN;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", MARGIN, MARGIN, plotW, plotH));
        svg.append(text(MARGIN - 4, MARGIN + 4, "end", format(maxY) + " " + unit));
        svg.append(text(MARGIN - 4, MARGIN + plotH, "end", "0"));
        svg.append(text(MARGIN, HEIGHT - MARGIN + 16, "start", "0 s"));
        svg.append(text(MARGIN + plotW, HEIGHT - MARGIN + 16, "end", maxT + " s"));
        int legendX = MARGIN;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (HistorySample sample : s.samples()) {
                double y = s.value().applyAsDouble(sample);
                if (Double.isNaN(y)) {
                    continue;
                }
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", MARGIN + plotW * (double) sample.atSeconds() / maxT,
                        MARGIN + plotH - plotH * y / maxY));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                    + "points=\"%s\"><title>%s</title></polyline>%n", s.color(),
                    s.dashed() ? " stroke-dasharray=\"4 3\"" : "", points.toString().strip(), escape(s.name())));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"%s\" "
                    + "stroke-width=\"2\"%s/>%n", legendX, legendX + 16, s.color(),
                    s.dashed() ? " stroke-dasharray=\"4 3\"" : ""));
            svg.append(text(legendX + 20, 24, "start", s.name()));
            legendX += 28 + 7 * s.name().length();
        }
        return svg.append("</svg>\n").toString();
    }

    private static String color(SideResult side) {
        return side.side().equals(Analyzer.TARGET) ? TARGET_COLOR : BASELINE_COLOR;
    }

    private static String text(int x, int y, String anchor, String content) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"%s\">%s</text>%n",
                x, y, anchor, escape(content));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.0f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
