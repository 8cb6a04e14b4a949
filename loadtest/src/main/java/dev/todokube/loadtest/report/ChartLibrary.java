package dev.todokube.loadtest.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * The scripts the HTML report inlines: ECharts as the {@code org.webjars:echarts} artifact packages
 * it (found through the artifact's own version, so a version bump in the pom needs nothing here),
 * and the report's own drawing script.
 */
final class ChartLibrary {

    private static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars/echarts/pom.properties";

    private ChartLibrary() {
    }

    static String echarts() throws IOException {
        Properties webjar = new Properties();
        try (InputStream in = open(WEBJAR_PROPERTIES)) {
            webjar.load(in);
        }
        return read("/META-INF/resources/webjars/echarts/" + webjar.getProperty("version") + "/echarts.min.js");
    }

    static String drawingScript() throws IOException {
        return read("charts.js");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = open(resource)) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Inlined into a <script> element, which the first "</script" would end.
            if (script.toLowerCase(Locale.ROOT).contains("</script")) {
                throw new IOException("script " + resource + " cannot be inlined: it contains </script");
            }
            return script;
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = ChartLibrary.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("the HTML report's chart script " + resource
                    + " is not on the classpath (it comes with the org.webjars:echarts dependency and loadtest's jar)");
        }
        return in;
    }
}
