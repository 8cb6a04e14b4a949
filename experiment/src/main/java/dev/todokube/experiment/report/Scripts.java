package dev.todokube.experiment.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/** The report's inlined scripts: ECharts from its webjar on the classpath, and the report's drawing script. */
final class Scripts {

    private Scripts() {
    }

    static String echarts() throws IOException {
        Properties webjar = new Properties();
        try (InputStream in = resource("/META-INF/maven/org.webjars/echarts/pom.properties")) {
            webjar.load(in);
        }
        return inlinable("/META-INF/resources/webjars/echarts/" + webjar.getProperty("version") + "/echarts.min.js");
    }

    static String drawing() throws IOException {
        return inlinable("autoscaling.js");
    }

    private static String inlinable(String name) throws IOException {
        try (InputStream in = resource(name)) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (script.toLowerCase(Locale.ROOT).contains("</script")) {
                throw new IOException(name + " contains </script and cannot be inlined");
            }
            return script;
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Scripts.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the report's script " + name + " is not on the classpath (it ships in experiment.jar)");
        }
        return in;
    }
}
