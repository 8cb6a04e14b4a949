package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todokube.testkit.browser.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the {@code --html} page of an analysis in Debian's headless Chromium: both sides' latency
 * on one chart and their throughput on another, drawn by the inlined ECharts from exactly the
 * figures given, with tooltips, zoom and gridlines; nothing fetched, nothing logged as an error or
 * a warning. (AnalyzeCommandTest checks the page of a real run carries both sides' history.)
 */
class AnalysisHtmlBrowserTest {

    private static final String INSPECT_CHARTS = """
            ['latency-chart', 'throughput-chart'].map(id => {
                const element = document.getElementById(id);
                const option = echarts.getInstanceByDom(element).getOption();
                return {
                    id: id,
                    series: option.series.map(s => ({name: s.name, data: s.data, dashed: s.lineStyle.type === 'dashed'})),
                    xAxisType: option.xAxis[0].type,
                    yAxisName: option.yAxis[0].name,
                    gridlines: option.yAxis[0].splitLine.show && option.xAxis[0].splitLine.show,
                    tooltip: option.tooltip.map(t => t.trigger),
                    dataZoom: option.dataZoom.map(z => z.type),
                    strokes: Array.from(element.querySelectorAll('svg path'))
                            .map(p => (p.getAttribute('stroke') || '').toLowerCase())
                };
            })""";

    /** Points at the latency chart's third second and returns the tooltip's text once it is drawn. */
    private static final String SHOW_TOOLTIP = """
            new Promise(resolve => {
                const element = document.getElementById('latency-chart');
                echarts.getInstanceByDom(element).dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 2});
                let frames = 0;
                const poll = () => {
                    const text = Array.from(element.querySelectorAll('div'))
                            .map(d => d.innerText).filter(t => t.includes('baseline')).join('|');
                    if (text || ++frames > 120) { resolve(text); } else { requestAnimationFrame(poll); }
                };
                poll();
            })""";

    @Test
    @Timeout(120)
    void bothSidesLatencyOnOneChartWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        List<HistorySample> target = new ArrayList<>();
        List<HistorySample> baseline = new ArrayList<>();
        for (int second = 1; second <= 6; second++) {
            // The target's fourth second completed no call: a gap in its latency, not a zero.
            target.add(new HistorySample(second, 10, second == 4 ? 0 : 20, second == 4 ? 0 : 1,
                    second == 4 ? Double.NaN : 40 + second));
            baseline.add(new HistorySample(second, 10, 95, 0, 4.5 + second / 10.0));
        }
        AnalysisPlan plan = new AnalysisPlan(List.of("127.0.0.1:8002"), List.of("127.0.0.1:8001"),
                new LoadShape(Duration.ofSeconds(6), 10, 10, "GetTodos=1", Optional.empty(), Duration.ofSeconds(5),
                        Optional.empty()),
                new Gates(Optional.empty(), Optional.empty(), Optional.of(2.0), Optional.empty(), Gates.DEFAULT_ERROR_CEILING),
                List.of(), List.of());
        SideResult targetSide = new SideResult("target", plan.target(), 100, 5, 44, 46, 47, 16, 6,
                Map.of("UNAVAILABLE", 5L), target, List.of());
        SideResult baselineSide = new SideResult("baseline", plan.baseline(), 570, 0, 4.8, 5, 5.2, 95, 6, Map.of(),
                baseline, List.of());
        Verdict verdict = Verdict.of(plan.gates(), targetSide, Optional.of(baselineSide));
        Path html = Files.writeString(dir.resolve("verdict.html"), AnalysisHtml.render(new AnalysisResult(plan,
                Instant.parse("2026-12-05T08:00:00Z"), targetSide, Optional.of(baselineSide), verdict)));

        try (HeadlessChromium browser = HeadlessChromium.start(dir)) {
            browser.load(html);
            JsonNode charts = browser.evaluate(INSPECT_CHARTS);
            String tooltip = browser.evaluate(SHOW_TOOLTIP).asText();
            JsonNode fetched = browser.evaluate("performance.getEntriesByType('resource').map(r => r.name)");
            String heading = browser.evaluate("document.querySelector('h1').innerText").asText();

            assertThat(heading).isEqualTo("bg-kube analysis: FAIL");
            JsonNode latency = charts.get(0);
            assertThat(names(latency)).containsExactly("target", "baseline");
            assertThat(points(latency, 0)).containsExactly("1:41.0", "2:42.0", "3:43.0", "5:45.0", "6:46.0");
            assertThat(points(latency, 1)).containsExactly("1:4.6", "2:4.7", "3:4.8", "4:4.9", "5:5.0", "6:5.1");
            assertThat(latency.get("yAxisName").asText()).isEqualTo("ms");
            JsonNode throughput = charts.get(1);
            assertThat(names(throughput)).containsExactly("target calls/s", "target failures/s", "baseline calls/s",
                    "baseline failures/s");
            assertThat(points(throughput, 0)).containsExactly("1:20.0", "2:20.0", "3:20.0", "4:0.0", "5:20.0", "6:20.0");
            assertThat(throughput.get("series").get(1).get("dashed").asBoolean()).as("failures dashed").isTrue();
            assertThat(throughput.get("yAxisName").asText()).isEqualTo("calls/s");
            for (JsonNode chart : charts) {
                String id = chart.get("id").asText();
                assertThat(chart.get("xAxisType").asText()).as(id).isEqualTo("value");
                assertThat(chart.get("gridlines").asBoolean()).as(id + " gridlines").isTrue();
                assertThat(chart.get("tooltip").get(0).asText()).as(id + " tooltip").isEqualTo("axis");
                assertThat(chart.get("dataZoom").toString()).as(id + " zoom").contains("inside", "slider");
                assertThat(chart.get("strokes").toString()).as(id + " a drawn line per side")
                        .contains("#d9480f", "#1c7ed6");
            }
            assertThat(tooltip).contains("target", "baseline", "ms");
            assertThat(fetched).as("resources the page fetched (it must open offline)").isEmpty();
            assertThat(browser.problems()).as("console errors and warnings").isEmpty();
        }
    }

    private static List<String> names(JsonNode chart) {
        List<String> names = new ArrayList<>();
        chart.get("series").forEach(series -> names.add(series.get("name").asText()));
        return names;
    }

    /** A series' points as {@code second:value}, the value to one decimal. */
    private static List<String> points(JsonNode chart, int series) {
        List<String> points = new ArrayList<>();
        chart.get("series").get(series).get("data").forEach(point -> points.add(point.get(0).asLong() + ":"
                + String.format(Locale.ROOT, "%.1f", point.get(1).asDouble())));
        return points;
    }
}
