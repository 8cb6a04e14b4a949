package dev.todokube.experiment.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * todo-api/bin/todo-api, the launcher the images and the experiment use: it maps the class/AOT
 * cache the build trained beside the jar, sizes the JVM to the pod budget it finds in its cgroup
 * (and says why it cannot when a controller is missing), passes JAVA_OPTS on word for word, and
 * fails clearly without a jar; and bin/train-cache rejects bad arguments.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("todo-api ready: grpc=127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void servesFromTheCacheTheBuildTrained() throws Exception {
        Path descriptor = ProjectJars.todoApi().resolveSibling("todo-api.cache");
        assertThat(descriptor).as("mvn package trains a cache beside the jar (bin/train-cache)").isRegularFile();
        List<String> lines = Files.readAllLines(descriptor);
        assertThat(Path.of(lines.get(0))).as("the JVM that wrote the cache").isExecutable();
        // The JVM refuses to start, instead of quietly running without it, when the cache cannot be mapped.
        String strict = lines.get(1).contains("-XX:AOTCache=") ? "-XX:AOTMode=on" : "-Xshare:on";
        try (ChildProcess server = ChildProcess.start("todo-api-cached", List.of(ProjectJars.todoApiLauncher().toString()),
                Map.of("SERVER_HOST", "127.0.0.1", "SERVER_PORT", "0", "METRICS_PORT", "0", "DB_TYPE", "memory",
                        "JAVA_OPTS", strict + " -Xlog:class+load=info"),
                dir, dir.resolve("cached.log"), null)) {
            server.awaitLine(READY, WITHIN);
            assertThat(server.output())
                    .as("the service's and Netty's classes come from the cache")
                    .containsPattern("dev\\.todokube\\.api\\.server\\.TodoApiServer source: shared objects file")
                    .containsPattern("io\\.netty\\.channel\\.\\S+ source: shared objects file")
                    .as("the cache holds what serving loads, not the training client's classes (it loads them all at start)")
                    .doesNotContain("dev.todokube.api.training.CallMix source: shared objects file")
                    .doesNotContain("io.grpc.netty.NettyChannelBuilder source: shared objects file");
        }
    }

    /**
     * The layout of bg-kube's Jib image: the jar, the cache and the JVM that trained it under other
     * directories (here hard links, or copies across file systems), the jar's modification time
     * kept. The JVM must map the cache there, or refuse to start (AOTMode=on).
     */
    @Test
    void theCacheMapsWithTheJarAndItsJvmMovedAsTheJibImageLaysThemOut() throws Exception {
        Path built = ProjectJars.todoApi();
        List<String> descriptor = Files.readAllLines(built.resolveSibling("todo-api.cache"));
        Path javaHome = Path.of(descriptor.get(0)).getParent().getParent();
        Path app = Files.createDirectories(dir.resolve("app/bin"));
        linkOrCopy(built, dir.resolve("app/todo-api.jar"));
        linkOrCopy(built.resolveSibling("todo-api.aot"), dir.resolve("app/todo-api.aot"));
        Files.copy(ProjectJars.todoApiLauncher(), app.resolve("todo-api"), StandardCopyOption.COPY_ATTRIBUTES);
        try (Stream<Path> files = Files.walk(javaHome)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve("app/jvm").resolve(javaHome.relativize(file).toString());
                Files.createDirectories(target.getParent());
                linkOrCopy(file, target);
            }
        }
        Files.writeString(dir.resolve("app/todo-api.cache"), dir.resolve("app/jvm/bin/java") + "\n"
                + descriptor.get(1).replaceAll("-XX:AOTCache=\\S+", "-XX:AOTCache=" + dir.resolve("app/todo-api.aot")) + "\n");

        ProcessResult result = run(List.of(app.resolve("todo-api").toString(), "--version"),
                Map.of("JAVA_OPTS", "-XX:AOTMode=on"), dir);

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("todo-api ");
        assertThat(run(List.of(app.resolve("todo-api").toString()), Map.of("TODO_API_PRINT_COMMAND", "1"), dir).output())
                .as("the launcher runs the moved JVM with the moved cache")
                .contains("'" + dir.resolve("app/jvm/bin/java") + "'", "'-XX:AOTCache=" + dir.resolve("app/todo-api.aot") + "'");
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    @Test
    void sizesTheJvmToThePodBudgetItRunsIn() throws Exception {
        String small = launcherCommand(List.of("--cpu", "100m", "--memory", "100Mi"));
        assertThat(small).contains("-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=30", "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError");
        String large = launcherCommand(List.of("--cpu", "2", "--memory", "1Gi"));
        assertThat(large).contains("-XX:MaxRAMPercentage=65", "-XX:+UseSerialGC").doesNotContain("TieredStopAtLevel");
        assertThat(large).as("direct buffers capped at a tenth of the limit above 256Mi too, so the heap and they fit it")
                .contains("'-XX:MaxDirectMemorySize=107374182'");
        assertThat(launcherCommand(List.of("--cpu", "2", "--memory", "128Mi"))).as("C2's memory does not fit 128Mi")
                .contains("-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=30");
        assertThat(launcherCommand(List.of("--cpu", "2", "--memory", "256Mi"))).contains("-XX:MaxRAMPercentage=30")
                .doesNotContain("TieredStopAtLevel");
        String operatorsLast = launcherCommand(List.of("--cpu", "100m", "--memory", "100Mi"), "-XX:TieredStopAtLevel=4");
        assertThat(operatorsLast.indexOf("-XX:TieredStopAtLevel=4")).as("JAVA_OPTS come after the launcher's flags")
                .isGreaterThan(operatorsLast.indexOf("-XX:TieredStopAtLevel=1"));
    }

    /** The command the launcher would run inside a real cgroup budget (bench/in-pod-budget, as root). */
    private String launcherCommand(List<String> budget, String... javaOpts) throws Exception {
        Path tool = ProjectJars.root().resolve("bench/in-pod-budget");
        List<String> check = new ArrayList<>(List.of(tool.toString()));
        check.addAll(budget);
        check.add("--check");
        ProcessResult checked = run(check, Map.of());
        assertThat(checked.exit())
                .as("this machine must take a cgroup budget (root, cgroup v1 or v2): " + checked.output())
                .isZero();
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(budget);
        command.addAll(List.of("--", ProjectJars.todoApiLauncher().toString()));
        ProcessResult printed = run(command,
                Map.of("TODO_API_PRINT_COMMAND", "1", "JAVA_OPTS", String.join(" ", javaOpts)));
        assertThat(printed.exit()).as(printed.output()).isZero();
        return printed.output();
    }

    /**
     * A cgroup without the cpu controller (rootless Podman, a systemd user slice): the launcher used
     * to exit 1 without a word. Simulated with a private mount namespace (as root) whose cgroup
     * filesystem holds only a memory hierarchy with a 1Gi limit.
     */
    @Test
    void startsWithTheJvmsDefaultsAndSaysWhyWhenTheCgroupHasNoCpuController() throws Exception {
        String onlyMemory = "mount -t tmpfs todo-api-test /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory"
                + " && echo 1073741824 > /sys/fs/cgroup/memory/memory.limit_in_bytes && exec \"$0\"";
        ProcessResult result = run(List.of("unshare", "--mount", "sh", "-c", onlyMemory,
                ProjectJars.todoApiLauncher().toString()), Map.of("TODO_API_PRINT_COMMAND", "1"));

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("todo-api: no CPU quota applied: this process's cgroup has no cpu controller"
                        + " (cpu.cfs_quota_us not found); the JVM's defaults apply")
                .as("the memory limit still applies").contains("'-XX:MaxRAMPercentage=65'")
                .as("no quota, so not the small-quota compiler choice").doesNotContain("TieredStopAtLevel");
    }

    /** JAVA_OPTS used to be split on every space and glob-expanded against the working directory. */
    @Test
    void javaOptsAreSplitLikeAShellCommandLineAndNeverGlobbed() throws Exception {
        Files.writeString(dir.resolve("a-file-a-glob-would-match"), "");
        ProcessResult result = run(List.of(ProjectJars.todoApiLauncher().toString()),
                Map.of("JAVA_OPTS", "'-Dtodo.words=two words' -Dtodo.glob=* \"-Dtodo.quote=it's\" -XshowSettings:properties -version"),
                dir);

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("todo.words = two words", "todo.glob = *", "todo.quote = it's");

        ProcessResult unmatched = run(List.of(ProjectJars.todoApiLauncher().toString()),
                Map.of("JAVA_OPTS", "-Dtodo.words='two words"), dir);
        assertThat(unmatched.exit()).isEqualTo(2);
        assertThat(unmatched.output().strip()).isEqualTo("todo-api: JAVA_OPTS has an unmatched quote: -Dtodo.words='two words");
    }

    @Test
    void missingJarIsOneClearErrorWithExitCode2() throws Exception {
        ProcessResult result = run(List.of(ProjectJars.todoApiLauncher().toString()),
                Map.of("TODO_API_JAR", dir.resolve("no-such.jar").toString()));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.output().strip()).isEqualTo("todo-api: no jar at " + dir.resolve("no-such.jar")
                + " (build it with: mvn -B package -DskipTests)");
    }

    @Test
    void trainCacheRejectsBadArgumentsWithExitCode2() throws Exception {
        Path trainCache = ProjectJars.todoApiLauncher().resolveSibling("train-cache");
        ProcessResult unknown = run(List.of(trainCache.toString(), "--fast"), Map.of());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).startsWith("train-cache: unknown argument '--fast'");
        ProcessResult noJar = run(List.of(trainCache.toString(), "--jar", dir.resolve("x.jar").toString()), Map.of());
        assertThat(noJar.exit()).isEqualTo(2);
        assertThat(noJar.output()).startsWith("train-cache: no jar at " + dir.resolve("x.jar"));
        assertThat(dir).isEmptyDirectory();
    }

    private record ProcessResult(int exit, String output) {
    }

    private static ProcessResult run(List<String> command, Map<String, String> env) throws Exception {
        return run(command, env, Path.of("").toAbsolutePath());
    }

    private static ProcessResult run(List<String> command, Map<String, String> env, Path workingDirectory) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(workingDirectory.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new ProcessResult(process.exitValue(), output);
    }
}
