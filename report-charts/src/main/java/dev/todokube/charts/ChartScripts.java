package dev.todokube.charts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * The three script elements that draw a report's line charts: its data, ECharts (from the
 * {@code org.webjars:echarts} artifact, found through that artifact's own version, so a version bump
 * in the pom needs nothing here) and {@code line-charts.js}, which draws every chart the data
 * describes into the page's element of the same id.
 *
 * <p>The data is one JSON object (see line-charts.js for every field):
 * <pre>{@code
 * {"axis": "time" | "seconds", "start": ms, "end": ms, "linked": true,
 *  "charts": [{"id", "title", "unit", "decimals", "step", "threshold", "thresholdLabel",
 *              "events": [{"at", "label"}],
 *              "series": [{"name", "color", "dashed", "dots", "points": [[x, y], ...]}]}]}
 * }</pre>
 */
public final class ChartScripts {

    private static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars/echarts/pom.properties";

    private ChartScripts() {
    }

    /**
     * The data, ECharts and the drawing script, as HTML to put after the charts' elements.
     *
     * @param chartData the JSON object described above
     * @throws IOException a script is not on the classpath, or cannot be inlined
     */
    public static String inline(String chartData) throws IOException {
        // Inside a <script> element: "<" only occurs in JSON strings, where the escape means the same.
        return "<script type=\"application/json\" id=\"chart-data\">" + chartData.replace("<", "\\u003c")
                + "</script>\n<script>\n" + echarts() + "\n</script>\n<script>\n" + read("line-charts.js")
                + "\n</script>\n";
    }

    static String echarts() throws IOException {
        Properties webjar = new Properties();
        try (InputStream in = open(WEBJAR_PROPERTIES)) {
            webjar.load(in);
        }
        return read("/META-INF/resources/webjars/echarts/" + webjar.getProperty("version") + "/echarts.min.js");
    }

    static String read(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Inlined into a <script> element, which the first "</script" would end.
            if (script.toLowerCase(Locale.ROOT).contains("</script")) {
                throw new IOException("the chart script " + resource + " cannot be inlined: it contains </script");
            }
            return script;
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = ChartScripts.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("the HTML report's chart script " + resource + " is not on the classpath (it comes "
                    + "with report-charts and its org.webjars:echarts dependency, shaded into each tool's jar)");
        }
        return in;
    }
}
