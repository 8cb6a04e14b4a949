package dev.todokube.bgkube.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One side's running {@code loadtest run} process. */
final class LoadtestRun {

    /** The line loadtest prints when its measured window opens, after its own warm-up and the run's. */
    private static final String MEASURING = "Measuring from ";

    private final String side;
    private final List<String> addresses;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final Path err;

    LoadtestRun(String side, List<String> addresses, Process process, Path dir, Path log, Path err) {
        this.side = side;
        this.addresses = List.copyOf(addresses);
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.err = err;
    }

    String side() {
        return side;
    }

    /** Whether its measured window has opened: it printed the line that says so. */
    boolean measuring() {
        return read(log).lines().anyMatch(line -> line.startsWith(MEASURING));
    }

    /** The exit code, or -1 while it runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits for the exit; returns the exit code, or -1 after killing a process that overran. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last line loadtest wrote to stderr (its one-line error on bad options), else of its output. */
    String lastErrorLine() {
        List<String> lines = read(err).lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            lines = read(log).lines().filter(line -> !line.isBlank()).toList();
        }
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
    }

    SideResult report() throws IOException {
        return LoadtestReport.read(side, addresses, dir.resolve(side + ".json"),
                dir.resolve(side + "_stats_history.csv"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
