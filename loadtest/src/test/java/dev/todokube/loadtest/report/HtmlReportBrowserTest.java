package dev.todokube.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todokube.loadtest.cli.Main;
import dev.todokube.loadtest.fixtures.Csv;
import dev.todokube.loadtest.fixtures.TodosTestServer;
import dev.todokube.testkit.browser.HeadlessChromium;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report of a real run in Debian's headless Chromium: every chart is drawn by the
 * inlined ECharts with the run's history (the same numbers as the history CSV), has tooltips, zoom,
 * gridlines and time ticks, and the page logs no error or warning.
 */
class HtmlReportBrowserTest {

    /** Per chart: its series as the chart instance holds them, and the texts and stroke colours drawn. */
    private static final String INSPECT_CHARTS = """
            ['requests-chart', 'response-time-chart', 'users-chart'].map(id => {
                const element = document.getElementById(id);
                const chart = echarts.getInstanceByDom(element);
                const option = chart.getOption();
                return {
                    id: id,
                    series: option.series.map(s => ({name: s.name, data: s.data})),
                    xAxisType: option.xAxis[0].type,
                    yAxisName: option.yAxis[0].name,
                    gridlines: option.yAxis[0].splitLine.show && option.xAxis[0].splitLine.show,
                    tooltip: option.tooltip.map(t => t.trigger),
                    dataZoom: option.dataZoom.map(z => z.type),
                    texts: Array.from(element.querySelectorAll('svg text')).map(t => t.textContent),
                    strokes: Array.from(element.querySelectorAll('svg path'))
                            .map(p => (p.getAttribute('stroke') || '').toLowerCase())
                };
            })""";

    /** Points at the requests chart's last point and returns the tooltip's text once it is drawn. */
    private static final String SHOW_TOOLTIP = """
            new Promise(resolve => {
                const element = document.getElementById('requests-chart');
                const chart = echarts.getInstanceByDom(element);
                const last = chart.getOption().series[0].data.length - 1;
                chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: last});
                let frames = 0;
                const poll = () => {
                    const text = Array.from(element.querySelectorAll('div'))
                            .map(d => d.innerText).filter(t => t.includes('requests/s')).join('|');
                    if (text || ++frames > 120) { resolve(text); } else { requestAnimationFrame(poll); }
                };
                poll();
            })""";

    @Test
    @Timeout(120)
    void chartsRenderTheRunsHistoryWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        String prefix = dir.resolve("run").toString();
        try (TodosTestServer server = TodosTestServer.start().failEvery(3, Status.UNAVAILABLE)) {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
            int code = Main.execute(new String[] {"run", "--host", server.address(), "--users", "4", "--spawn-rate", "2",
                    "--run-time", "4s", "--wait-time", "constant:20ms", "--deadline", "20s",
                    "--csv", prefix, "--html", html.toString()}, out, out);
            assertThat(code).as("some calls failed; output:\n" + output).isEqualTo(1);
        }
        List<Map<String, String>> history = Csv.read(Path.of(prefix + "_stats_history.csv"));
        assertThat(history).as("history rows").hasSizeGreaterThanOrEqualTo(2);

        try (HeadlessChromium browser = HeadlessChromium.start(dir)) {
            browser.load(html);
            JsonNode charts = browser.evaluate(INSPECT_CHARTS);
            String tooltip = browser.evaluate(SHOW_TOOLTIP).asText();
            JsonNode fetched = browser.evaluate("performance.getEntriesByType('resource').map(r => r.name)");

            assertThat(charts).hasSize(3);
            JsonNode requests = charts.get(0);
            assertSeries(requests, "requests/s", history, row -> Double.parseDouble(row.get("Requests/s")));
            assertSeries(requests, "failures/s", history, row -> Double.parseDouble(row.get("Failures/s")));
            assertThat(requests.get("series").get(1).get("data")).as("failures/s over time")
                    .anySatisfy(point -> assertThat(point.get(1).asDouble()).isPositive());
            assertSeries(charts.get(2), "users", history, row -> Double.parseDouble(row.get("User Count")));
            assertThat(series(charts.get(1), "p50").get("data")).hasSize(history.size());
            assertThat(series(charts.get(1), "p95").get("data")).hasSize(history.size());
            assertThat(series(charts.get(1), "p99").get("data")).hasSize(history.size());

            for (JsonNode chart : charts) {
                String id = chart.get("id").asText();
                assertThat(chart.get("xAxisType").asText()).as(id).isEqualTo("time");
                assertThat(chart.get("gridlines").asBoolean()).as(id + " gridlines").isTrue();
                assertThat(chart.get("tooltip").get(0).asText()).as(id + " tooltip").isEqualTo("axis");
                assertThat(texts(chart.get("dataZoom"))).as(id + " zoom").contains("inside", "slider");
                assertThat(texts(chart.get("texts"))).as(id + " time ticks")
                        .anySatisfy(text -> assertThat(text).matches("\\d\\d:\\d\\d:\\d\\d"));
                assertThat(chart.get("strokes").size()).as(id + " drawn paths").isPositive();
            }
            assertThat(requests.get("yAxisName").asText()).isEqualTo("req/s");
            assertThat(charts.get(1).get("yAxisName").asText()).isEqualTo("ms");
            assertThat(charts.get(2).get("yAxisName").asText()).isEqualTo("users");
            assertThat(texts(requests.get("texts"))).as("requests/s axis labels are not milliseconds")
                    .contains("req/s").noneSatisfy(text -> assertThat(text).endsWith("ms"));
            assertThat(texts(requests.get("strokes"))).as("a drawn line per series").contains("#1f77b4", "#d62728");
            assertThat(tooltip).contains("requests/s", "failures/s", "req/s");
            assertThat(fetched).as("resources the page fetched (it must open offline)").isEmpty();
            assertThat(browser.problems()).as("console errors and warnings").isEmpty();
        }
    }

    /** The named series has one point per history row: its time (ms) and the CSV's value. */
    private static void assertSeries(JsonNode chart, String name, List<Map<String, String>> history,
                                     Function<Map<String, String>, Double> expected) {
        JsonNode data = series(chart, name).get("data");
        assertThat(data).as(name).hasSize(history.size());
        for (int i = 0; i < history.size(); i++) {
            Map<String, String> row = history.get(i);
            assertThat(data.get(i).get(0).asLong()).as(name + " time " + i)
                    .isEqualTo(Long.parseLong(row.get("Timestamp")) * 1000);
            assertThat(data.get(i).get(1).asDouble()).as(name + " value " + i).isCloseTo(expected.apply(row), within(1e-6));
        }
    }

    private static JsonNode series(JsonNode chart, String name) {
        for (JsonNode series : chart.get("series")) {
            if (series.get("name").asText().equals(name)) {
                return series;
            }
        }
        throw new AssertionError(chart.get("id").asText() + " has no series " + name + ": " + chart.get("series"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
