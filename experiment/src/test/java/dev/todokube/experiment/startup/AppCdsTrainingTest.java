package dev.todokube.experiment.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.experiment.fixtures.Jars;
import dev.todokube.testkit.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AppCDS training script the todo-api image runs at build time ({@code todo-api/src/main/docker/cds-train.sh}):
 * it writes an archive that the JVM accepts, and the service's own classes then come from it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AppCdsTrainingTest {

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("todo-api ready: grpc=127\\.0\\.0\\.1:(\\d+)");
    private static final List<String> IMAGE_FLAGS = List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-Xss512k");

    @TempDir
    Path dir;

    @Test
    void trainedArchiveIsUsedForTheServicesClasses() throws Exception {
        Path archive = dir.resolve("todo-api.jsa");
        int trained = runScript(List.of(Jars.todoApi().toString(), archive.toString()), "train");
        assertThat(trained).as("cds-train.sh exit code; output in " + dir.resolve("train.log")).isZero();
        assertThat(archive).isRegularFile();
        assertThat(Files.size(archive)).isPositive();

        assertServesFromTheArchive(archive, Map.of(), "plain");
        // The pods add their environment's JVM options (API_JAVA_OPTS, as JAVA_TOOL_OPTIONS) to the
        // image's: the archive must still map with them.
        assertServesFromTheArchive(archive, Map.of("JAVA_TOOL_OPTIONS", apiJavaOpts(".env.prod")), "env-prod");
    }

    private void assertServesFromTheArchive(Path archive, Map<String, String> extraEnv, String name) throws Exception {
        // -Xshare:on: the JVM refuses to start unless it can map the archive, instead of quietly running without it.
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(IMAGE_FLAGS);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-jar", Jars.todoApi().toString()));
        Map<String, String> env = new HashMap<>(
                Map.of("SERVER_HOST", "127.0.0.1", "SERVER_PORT", "0", "METRICS_PORT", "0", "DB_TYPE", "memory"));
        env.putAll(extraEnv);
        try (ChildProcess server = ChildProcess.start("todo-api-cds-" + name, command, env, dir,
                dir.resolve("server-" + name + ".log"), null)) {
            server.awaitLine(READY, READY_WITHIN);
            if (extraEnv.containsKey("JAVA_TOOL_OPTIONS")) {
                assertThat(server.output()).contains("Picked up JAVA_TOOL_OPTIONS: " + extraEnv.get("JAVA_TOOL_OPTIONS"));
            }
            assertThat(server.output())
                    .as("the service's classes are loaded from the dynamic archive (%s)", name)
                    .containsPattern("dev\\.todokube\\.api\\.server\\.TodoApiServer source: shared objects file \\(top\\)")
                    .containsPattern("io\\.grpc\\.netty\\.shaded\\.io\\.netty\\.channel\\.\\S+ source: shared objects file \\(top\\)");
        }
    }

    private static String apiJavaOpts(String envFile) throws Exception {
        return Files.readAllLines(Jars.projectRoot().resolve(envFile)).stream()
                .filter(line -> line.startsWith("API_JAVA_OPTS="))
                .map(line -> line.substring("API_JAVA_OPTS=".length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no API_JAVA_OPTS in " + envFile));
    }

    @Test
    void missingJarIsAClearErrorWithExitCode2() throws Exception {
        Path missing = dir.resolve("no-such.jar");
        int exit = runScript(List.of(missing.toString(), dir.resolve("x.jsa").toString()), "missing");

        assertThat(exit).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("missing.log"))).contains("no such jar: " + missing);
        assertThat(dir.resolve("x.jsa")).doesNotExist();
    }

    private int runScript(List<String> args, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh",
                Jars.projectRoot().resolve("todo-api/src/main/docker/cds-train.sh").toString()));
        command.addAll(args);
        command.addAll(IMAGE_FLAGS);
        try (ChildProcess script = ChildProcess.start(name, command, Map.of(), dir, dir.resolve(name + ".log"), null)) {
            return script.waitFor(Duration.ofSeconds(90));
        }
    }
}
