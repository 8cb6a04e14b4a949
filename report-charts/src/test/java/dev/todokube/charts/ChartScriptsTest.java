package dev.todokube.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ChartScriptsTest {

    @Test
    void inlinesTheDataThenEChartsThenTheDrawingScript() throws IOException {
        String html = ChartScripts.inline("{\"axis\":\"seconds\",\"charts\":[]}");

        assertThat(html).startsWith("<script type=\"application/json\" id=\"chart-data\">{\"axis\":\"seconds\",\"charts\":[]}</script>\n<script>\n");
        int echarts = html.indexOf(ChartScripts.echarts());
        int drawing = html.indexOf(ChartScripts.read("line-charts.js"));
        assertThat(echarts).isPositive();
        assertThat(drawing).isGreaterThan(echarts);
        assertThat(ChartScripts.read("line-charts.js")).contains("getElementById('chart-data')");
        // The page ends each script element where it means to, and nowhere else.
        assertThat(html.split("</script>", -1)).hasSize(4);
    }

    @Test
    void aNameInTheDataCannotEndItsScriptElement() throws IOException {
        String html = ChartScripts.inline("{\"charts\":[{\"series\":[{\"name\":\"</script><b>x\"}]}]}");

        assertThat(html).contains("\"name\":\"\\u003c/script>\\u003cb>x\"");
        assertThat(html.split("</script>", -1)).hasSize(4);
    }

    @Test
    void aMissingScriptIsNamed() {
        assertThatThrownBy(() -> ChartScripts.read("no-such-script.js"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-script.js is not on the classpath");
    }
}
