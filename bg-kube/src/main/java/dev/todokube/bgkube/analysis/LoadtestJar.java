package dev.todokube.bgkube.analysis;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The project's load generator, run as {@code java -jar loadtest.jar run} in a child process: one
 * process per side, each pinned to its own addresses. Its JSON report gives the totals and errors,
 * its history CSV one row per second; nothing of its code is linked in.
 */
public final class LoadtestJar {

    /** The environment variable loadtest reads its token from. */
    static final String TOKEN_VARIABLE = "LOADTEST_TOKEN";

    private final Path java;
    private final Path jar;

    public LoadtestJar(Path jar) {
        this(Path.of(System.getProperty("java.home"), "bin", "java"), jar);
    }

    public LoadtestJar(Path java, Path jar) {
        this.java = Objects.requireNonNull(java);
        this.jar = Objects.requireNonNull(jar);
    }

    public Path jar() {
        return jar;
    }

    /**
     * Where a build of this repository puts the jar, seen from bg-kube's own jar or classes:
     * {@code loadtest.jar} beside it, else {@code loadtest/target/loadtest.jar} of the same checkout.
     */
    public static Optional<Path> locate() {
        CodeSource source = LoadtestJar.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        Path dir;
        try {
            dir = Path.of(source.getLocation().toURI()).getParent();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Stream.of(dir.resolve("loadtest.jar"), dir.resolve("../../loadtest/target/loadtest.jar").normalize())
                .filter(Files::isRegularFile).findFirst();
    }

    /** The command line for one side; reports go under {@code dir} as {@code <side>.json} and {@code <side>_*.csv}. */
    List<String> command(String side, List<String> addresses, LoadShape shape, Path dir) {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString(), "run",
                "--host", String.join(",", addresses),
                "--users", Integer.toString(shape.users()),
                "--spawn-rate", Numbers.plain(shape.spawnRate()),
                "--run-time", Numbers.duration(shape.duration()),
                "--warm-up-time", Numbers.duration(shape.warmUp()),
                "--tasks", shape.tasks()));
        shape.waitTime().ifPresent(wait -> command.addAll(List.of("--wait-time", wait)));
        shape.deadline().ifPresent(deadline -> command.addAll(List.of("--deadline", Numbers.duration(deadline))));
        command.addAll(List.of("--json", dir.resolve(side + ".json").toString(),
                "--csv", dir.resolve(side).toString()));
        return command;
    }

    /**
     * Starts one side's load; its output goes to {@code <side>.log} and {@code <side>.err} under
     * {@code dir}. The token goes in the process's environment ({@value #TOKEN_VARIABLE}), which
     * only its user can read, never on its command line, which every user of the machine can; a
     * token in bg-kube's own environment under that name is not passed on.
     */
    LoadtestRun start(String side, List<String> addresses, LoadShape shape, Optional<AnalysisToken> token, Path dir)
            throws IOException {
        Path log = dir.resolve(side + ".log");
        Path err = dir.resolve(side + ".err");
        ProcessBuilder builder = new ProcessBuilder(command(side, addresses, shape, dir))
                .redirectOutput(log.toFile())
                .redirectError(err.toFile());
        builder.environment().remove(TOKEN_VARIABLE);
        token.ifPresent(t -> builder.environment().put(TOKEN_VARIABLE, t.value()));
        return new LoadtestRun(side, addresses, builder.start(), dir, log, err);
    }
}
