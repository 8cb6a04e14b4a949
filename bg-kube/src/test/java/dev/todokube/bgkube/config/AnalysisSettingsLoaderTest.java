package dev.todokube.bgkube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.LoadShape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The env file's ANALYSIS_* keys, read with the rest of the settings: off unless set, each value checked. */
class AnalysisSettingsLoaderTest {

    private static final String REQUIRED = """
        CLUSTER_NAME=prod
        CLUSTER_ZONE=europe-west1-b
        IMAGE_NAME=gcr.io/p/todo-api
        SERVICE_NAME=todo-api
        SERVICE_CONFIG=kubernetes/service.yaml
        DEPLOYMENT_CONFIG=kubernetes/deployment.yaml
        """;

    @TempDir
    Path dir;

    private Path envFile(String text) throws Exception {
        Path file = dir.resolve(".env.prod");
        Files.writeString(file, REQUIRED + text);
        return file;
    }

    @Test
    void anEnvFileWithoutAnalysisKeysHasNoAnalysis() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(), Optional.of(envFile("")));

        assertThat(settings.analysis().enabled()).isFalse();
        assertThat(settings.analysis().gates().describe()).isEmpty();
        assertThat(settings.analysis().shape().duration()).isEqualTo(LoadShape.DEFAULT_DURATION);
        assertThat(settings.analysis().shape().warmUp()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.analysis().gates().errorCeiling()).isEqualTo(0.05);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(), Optional.of(envFile("""
                ANALYSIS_DURATION=2m
                ANALYSIS_USERS=50
                ANALYSIS_SPAWN_RATE=5
                ANALYSIS_TASKS=GetTodos=5, ListTodos=1
                ANALYSIS_WAIT_TIME=constant:100ms
                ANALYSIS_WARM_UP=10s
                ANALYSIS_DEADLINE=5s
                ANALYSIS_WATCH=2m
                ANALYSIS_MAX_ERROR_RATE=0.5%
                ANALYSIS_MAX_P99=250ms
                ANALYSIS_MAX_P99_RATIO=1.2
                ANALYSIS_MIN_RPS=100
                ANALYSIS_ERROR_CEILING=10%
                """)));

        AnalysisSettings analysis = settings.analysis();
        assertThat(analysis.enabled()).isTrue();
        assertThat(analysis.shape()).isEqualTo(new LoadShape(Duration.ofMinutes(2), 50, 5, "GetTodos=5,ListTodos=1",
                Optional.of("constant:100ms"), Duration.ofSeconds(10), Optional.of(Duration.ofSeconds(5))));
        assertThat(analysis.gates().maxErrorRate()).contains(0.005);
        assertThat(analysis.gates().maxP99()).contains(Duration.ofMillis(250));
        assertThat(analysis.gates().maxP99Ratio()).contains(1.2);
        assertThat(analysis.gates().minRps()).contains(100.0);
        assertThat(analysis.watch()).contains(Duration.ofMinutes(2));
        assertThat(analysis.gates().errorCeiling()).isEqualTo(0.10);
        assertThat(analysis.gates().describe()).containsExactly("error rate <= 0.50%", "p99 <= 250.0 ms",
                "p99 <= 1.2 x the baseline's p99 in the same run", "throughput >= 100 calls/s");
    }

    @Test
    void anOptionOfAnalyzeWinsOverTheFile() throws Exception {
        AnalysisSettings analysis = SettingsLoader.loadAnalysis(Map.of(AnalysisKey.MAX_P99, "1s"),
                Optional.of(envFile("ANALYSIS_MAX_P99=250ms\nANALYSIS_USERS=7\n")));

        assertThat(analysis.gates().maxP99()).contains(Duration.ofSeconds(1));
        assertThat(analysis.shape().users()).isEqualTo(7);
        assertThat(analysis.shape().spawnRate()).as("all users in the first second").isEqualTo(7.0);
    }

    @Test
    void badValuesNameTheKeyAndTheFile() throws Exception {
        Path file = envFile("ANALYSIS_MAX_P99_RATIO=-1\n");

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ANALYSIS_MAX_P99_RATIO in " + file + ": invalid value '-1': expected a positive number such as 1.2");
    }

    @Test
    void aLoadShapeWithoutAnyGateIsAnError() throws Exception {
        Path file = envFile("ANALYSIS_DURATION=1m\n");

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ANALYSIS_DURATION in " + file + " is set but no gate is (ANALYSIS_MAX_ERROR_RATE, "
                        + "ANALYSIS_MAX_P99, ANALYSIS_MAX_P99_RATIO, ANALYSIS_MIN_RPS): the analysis would decide nothing");
    }

    @Test
    void theWatchNeedsAGateItCanCheckOnTheServicesOwnMetrics() throws Exception {
        Path file = envFile("ANALYSIS_WATCH=5m\nANALYSIS_MIN_RPS=10\n");

        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ANALYSIS_WATCH in " + file + " needs ANALYSIS_MAX_ERROR_RATE or ANALYSIS_MAX_P99: the watch "
                        + "checks the service's own error rate and p99");
    }

    @Test
    void anEmptyValueCountsAsUnset() throws Exception {
        Settings settings = SettingsLoader.load(Map.of(), Optional.of(envFile("ANALYSIS_MAX_P99=\n")));

        assertThat(settings.analysis().enabled()).isFalse();
    }

    @Test
    void aTokenComesFromBgKubesEnvironmentOrAFileAndIsNeverPrinted() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("analysis-token"), "file-t0ken\n");

        AnalysisSettings fromEnvironment = AnalysisSettingsLoader.load(Map.of(AnalysisKey.MAX_P99, "1s"), Map.of(), "",
                Map.of("ANALYSIS_TOKEN", "env-t0ken"));
        AnalysisSettings fromFile = AnalysisSettingsLoader.load(Map.of(AnalysisKey.MAX_P99, "1s"),
                Map.of("ANALYSIS_TOKEN_FILE", tokenFile.toString()), ".env.prod", Map.of("ANALYSIS_TOKEN", "env-t0ken"));
        AnalysisSettings none = AnalysisSettingsLoader.load(Map.of(AnalysisKey.MAX_P99, "1s"), Map.of(), "", Map.of());

        assertThat(fromEnvironment.token()).hasValueSatisfying(token -> {
            assertThat(token.value()).isEqualTo("env-t0ken");
            assertThat(token).hasToString("the token from the ANALYSIS_TOKEN environment variable");
        });
        assertThat(fromFile.token()).as("the file wins").hasValueSatisfying(token -> {
            assertThat(token.value()).isEqualTo("file-t0ken");
            assertThat(token).hasToString("the token from " + tokenFile + " (ANALYSIS_TOKEN_FILE in .env.prod)");
        });
        assertThat(none.token()).isEmpty();
        assertThat(fromEnvironment + " " + fromFile).doesNotContain("t0ken");
    }

    @Test
    void aTokenInTheEnvFileOrAnEmptyTokenFileIsRefused() throws Exception {
        Path file = envFile("ANALYSIS_MAX_P99=1s\nANALYSIS_TOKEN=s3cr3t\n");
        assertThatThrownBy(() -> SettingsLoader.load(Map.of(), Optional.of(file)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("ANALYSIS_TOKEN in " + file + ": a token does not belong in an env file (every command reads "
                        + "it, and it is usually committed): export ANALYSIS_TOKEN in the shell that runs bg-kube, or put "
                        + "the token in a file named by ANALYSIS_TOKEN_FILE");

        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        assertThatThrownBy(() -> SettingsLoader.loadAnalysis(Map.of(AnalysisKey.TOKEN_FILE, empty.toString()),
                Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--token-file: the first line of " + empty + " is empty: it should be the token");
        assertThatThrownBy(() -> SettingsLoader.loadAnalysis(Map.of(AnalysisKey.TOKEN_FILE, "/nonexistent/token"),
                Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("--token-file: invalid value '/nonexistent/token': expected a readable file whose first line "
                        + "is the token");
    }
}
