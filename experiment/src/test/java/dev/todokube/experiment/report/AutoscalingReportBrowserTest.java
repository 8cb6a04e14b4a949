package dev.todokube.experiment.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.Decision;
import dev.todokube.experiment.rehearsal.PodEvent;
import dev.todokube.experiment.rehearsal.PodSummary;
import dev.todokube.experiment.rehearsal.RehearsalRecord;
import dev.todokube.experiment.rehearsal.TimelinePoint;
import dev.todokube.experiment.service.PodBudget;
import dev.todokube.testkit.browser.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a recorded rehearsal (two minutes: one pod saturated, the HPA adds a second, which is
 * ready 8 s later; the load generator's CSV files beside it), opened in Debian's headless Chromium:
 * four charts on one time axis hold the record's numbers, the rescale and the target are drawn, the
 * tables say what happened, and the page fetches nothing and logs no error.
 */
class AutoscalingReportBrowserTest {

    private static final Instant START = Instant.parse("2026-12-05T08:00:00Z");
    private static final int SECONDS = 120;

    private static final String INSPECT_CHARTS = """
            ['replicas-chart', 'cpu-chart', 'requests-chart', 'latency-chart'].map(id => {
                const element = document.getElementById(id);
                const chart = echarts.getInstanceByDom(element);
                const option = chart.getOption();
                return {
                    id: id,
                    group: chart.group,
                    series: option.series.map(s => ({name: s.name, data: s.data})),
                    xMin: option.xAxis[0].min,
                    xMax: option.xAxis[0].max,
                    yAxisName: option.yAxis[0].name,
                    texts: Array.from(element.querySelectorAll('svg text')).map(t => t.textContent),
                    paths: element.querySelectorAll('svg path').length
                };
            })""";

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void chartsTablesAndSummaryTellTheRecordedStory() throws Exception {
        Path prefix = dir.resolve("stats");
        writeLoadCsv(prefix);
        Path html = dir.resolve("autoscaling.html");
        Path json = dir.resolve("autoscaling.json");
        AutoscalingReport.write(record(), LoadHistory.read(prefix), "Load: a recorded run.", html, json);

        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        assertThat(summary.at("/run/replicas_reached").asInt()).isEqualTo(2);
        assertThat(summary.at("/run/plateau_replicas").asInt()).as("after the rescale at 30 s, 6 syncs").isEqualTo(2);
        assertThat(summary.at("/run/plateau_utilization_percent").asInt()).as("mean of 70..75").isEqualTo(73);
        assertThat(summary.at("/run/requests").asLong()).isEqualTo(24_000);
        assertThat(summary.at("/run/failures").asLong()).isEqualTo(12);
        assertThat(summary.at("/article/replicas_reached").asInt()).isEqualTo(4);
        assertThat(summary.get("decisions")).hasSize(8);

        try (HeadlessChromium browser = HeadlessChromium.start(dir)) {
            browser.load(html);
            JsonNode charts = browser.evaluate(INSPECT_CHARTS);
            String tables = browser.evaluate("Array.from(document.querySelectorAll('table'))"
                    + ".map(t => t.innerText).join('\\n')").asText();
            JsonNode fetched = browser.evaluate("performance.getEntriesByType('resource').map(r => r.name)");

            assertThat(charts).hasSize(4);
            for (JsonNode chart : charts) {
                String id = chart.get("id").asText();
                assertThat(chart.get("group").asText()).as(id + ": linked to the others").isEqualTo("linked");
                assertThat(chart.get("xMin").asLong()).as(id + ": one time axis").isEqualTo(START.toEpochMilli());
                assertThat(chart.get("xMax").asLong()).as(id).isEqualTo(START.plusSeconds(SECONDS - 1).toEpochMilli());
                assertThat(chart.get("paths").asInt()).as(id + ": drawn").isPositive();
                assertThat(texts(chart.get("texts"))).as(id + " time ticks")
                        .anySatisfy(text -> assertThat(text).matches("\\d\\d:\\d\\d:\\d\\d"));
            }
            JsonNode replicas = charts.get(0);
            assertThat(values(series(replicas, "desired (HPA)"))).hasSize(SECONDS).startsWith(1.0, 1.0).endsWith(2.0);
            assertThat(values(series(replicas, "ready"))).hasSize(SECONDS).contains(1.0, 2.0);
            assertThat(texts(replicas.get("texts"))).as("the rescale drawn").contains("1→2");

            JsonNode cpu = charts.get(1);
            assertThat(cpu.get("yAxisName").asText()).isEqualTo("%");
            assertThat(values(series(cpu, "todo-api-1"))).hasSize(SECONDS).contains(100.0);
            assertThat(values(series(cpu, "todo-api-2"))).as("from its first reading").hasSize(SECONDS - 40);
            assertThat(values(series(cpu, "HPA's average"))).containsExactly(100.0, 100.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0);
            assertThat(texts(cpu.get("texts"))).as("the target drawn").contains("target 80%");

            JsonNode requests = charts.get(2);
            assertThat(values(series(requests, "requests/s"))).hasSize(SECONDS).containsOnly(200.0);
            assertThat(values(series(requests, "failures/s"))).contains(1.0);
            assertThat(values(series(charts.get(3), "p99"))).hasSize(SECONDS - 1).as("N/A left out");

            assertThat(tables).contains("replicas reached\t2\t4", "plateau: replicas, HPA's CPU\t2 at 73%\t4 at 69%",
                    "failures\t12 (0.05%)\t0", "SuccessfulRescale: New size: 2", "todo-api-2", "8.0 s",
                    "todo-api-1\t07:59:40 (+0:00)\t4.0 s\t\t1\t0");
            assertThat(fetched).as("resources the page fetched (it must open offline)").isEmpty();
            assertThat(browser.problems()).as("console errors and warnings").isEmpty();
        }
    }

    /** One pod at 100% for 30 s; the HPA asks for 2 at 30 s; the new pod is ready at 38 s and both settle. */
    private static RehearsalRecord record() {
        AutoscalerSpec spec = AutoscalerSpec.withDefaultBehavior(1, 10, 80);
        List<TimelinePoint> timeline = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            Map<String, Integer> cpu = s < 40 ? Map.of("todo-api-1", 100)
                    : Map.of("todo-api-1", 72, "todo-api-2", 70 + s % 5);
            timeline.add(new TimelinePoint(START.plusSeconds(s), s < 30 ? 1 : 2, s < 38 ? 1 : 2, s < 30 ? 1 : 2, cpu));
        }
        List<Decision> decisions = new ArrayList<>();
        int[] seen = {100, 100, 70, 71, 72, 73, 74, 75};
        for (int i = 0; i < seen.length; i++) {
            Instant at = START.plusSeconds(15L * (i + 1));
            boolean rescale = i == 1;
            decisions.add(new Decision(at, i < 2 ? 1 : 2, i < 1 ? 1 : 2, OptionalInt.of(seen[i]), OptionalInt.of(seen[i]),
                    rescale ? Optional.of(new Decision.Event("Normal", "SuccessfulRescale",
                            "New size: 2; reason: cpu resource utilization (percentage of request) above target"))
                            : Optional.empty(), Optional.empty()));
        }
        List<PodEvent> events = List.of(new PodEvent(START.plusSeconds(30), "todo-api-2", "created"),
                new PodEvent(START.plusSeconds(38), "todo-api-2", "ready (8.0 s after it was created)"));
        List<PodSummary> pods = List.of(
                new PodSummary("todo-api-1", START.minusSeconds(20), Optional.of(START.minusSeconds(16)), Optional.empty(), 1, 0),
                new PodSummary("todo-api-2", START.plusSeconds(30), Optional.of(START.plusSeconds(38)), Optional.empty(), 0, 0));
        return new RehearsalRecord(spec, 100, new PodBudget("100m", "100Mi"), Optional.of(START), timeline, decisions,
                events, pods);
    }

    /** The load generator's files in Locust's format: 200 req/s, a failure every 10 s, no percentiles in the first second. */
    private static void writeLoadCsv(Path prefix) throws Exception {
        String percentiles = "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
        StringBuilder history = new StringBuilder("Timestamp,User Count,Type,Name,Requests/s,Failures/s," + percentiles
                + ",Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
                + "Total Min Response Time,Total Max Response Time,Total Average Content Size\r\n");
        for (int s = 0; s < SECONDS; s++) {
            String values = s == 0 ? "N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A" : "12,14,15,16,20,30,40,55,80,90,95";
            history.append(START.plusSeconds(s).getEpochSecond()).append(",100,,Aggregated,200.000000,")
                    .append(s % 10 == 0 ? "1.000000," : "0.000000,").append(values)
                    .append(",").append(200 * (s + 1)).append(",0,12,14.0,1.0,95.0,0.0\r\n");
        }
        Files.writeString(Path.of(prefix + "_stats_history.csv"), history);
        Files.writeString(Path.of(prefix + "_stats.csv"), "Type,Name,Request Count,Failure Count,Median Response Time,"
                + "Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
                + percentiles + "\r\ngrpc,GetTodos,24000,12,12,14.5,1.0,95.0,0.0,200.0,0.1,12,14,15,16,20,30,40,55,80,90,95\r\n"
                + ",Aggregated,24000,12,12,14.5,1.0,95.0,0.0,200.0,0.1,12,14,15,16,20,30,40,55,80,90,95\r\n");
    }

    private static JsonNode series(JsonNode chart, String name) {
        for (JsonNode series : chart.get("series")) {
            if (series.get("name").asText().equals(name)) {
                return series;
            }
        }
        throw new AssertionError(chart.get("id").asText() + " has no series " + name + ": " + chart.get("series"));
    }

    private static List<Double> values(JsonNode series) {
        List<Double> values = new ArrayList<>();
        series.get("data").forEach(point -> values.add(point.get(1).asDouble()));
        return values;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
