package dev.todokube.testkit.locust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Locust master (Debian's python3-locust, run with {@code /usr/bin/python3}) for tests:
 * headless, bound to 127.0.0.1 on a port it picks itself ({@code --master-bind-port 0}; a small
 * bootstrap prints the port it bound, so no port is handed over after someone else may have taken
 * it), waiting for {@code expectWorkers} workers,
 * then running {@code users} users at {@code spawnRate} for {@code runTime} and writing its CSV
 * files. Its output (stdout and stderr) goes to a log file.
 *
 * <pre>{@code
 * try (LocustMaster master = LocustMaster.start(
 *         LocustMaster.Options.of(Path.of("loadtest/locustfile.py"), workDir)
 *                 .users(5).spawnRate(5).runTime(Duration.ofSeconds(10)).host("127.0.0.1:8001"))) {
 *     // start workers against 127.0.0.1:master.port() ...
 *     int exitCode = master.awaitExit(Duration.ofSeconds(60));   // 0: no failures, 1: some failed
 *     List<String> stats = Files.readAllLines(master.statsCsv()); // Locust's *_stats.csv
 * }
 * }</pre>
 *
 * <p>{@link #close()} kills the process if it is still running. Locust exits with 1 when any
 * request failed, and writes its final summary to the log when it quits ({@link #finalSummary()}).
 */
public final class LocustMaster implements AutoCloseable {

    /** The Python that has Debian's locust package. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final String PORT_LINE = "testkit: Locust master bound port ";
    /** Runs Locust's main with a listener that prints the port the master bound (Locust does not log it). */
    private static final String BOOTSTRAP = String.join("\n",
            "import sys",
            "from locust import events",
            "from locust.runners import MasterRunner",
            "def announce(environment, runner=None, **kwargs):",
            "    if isinstance(runner, MasterRunner):",
            "        print('" + PORT_LINE + "%d' % runner.server.port, flush=True)",
            "events.init.add_listener(announce)",
            "from locust.main import main",
            "sys.argv[0] = 'locust'",
            "sys.exit(main())");
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

    /**
     * One row of the summary Locust prints when it quits.
     *
     * @param type the request type ("grpc"), empty on the Aggregated row
     */
    public record SummaryRow(String type, String name, long requests, long failures) {
    }

    private final Process process;
    private final int port;
    private final Path csvPrefix;
    private final Path log;

    /**
     * What the master runs.
     *
     * @param locustfile the locustfile declaring the user class(es) the workers run
     * @param workDir where the CSV files ({@code locust_stats.csv}...) and the log go
     * @param host the master's --host, sent to workers in every spawn message; empty for none
     * @param extraArgs further Locust arguments, e.g. {@code --grpc-tasks GetTodos=1} for options
     *                  the locustfile declares
     */
    public record Options(Path locustfile, Path workDir, int users, double spawnRate, Duration runTime,
                          int expectWorkers, Optional<String> host, List<String> extraArgs) {

        public Options {
            extraArgs = List.copyOf(extraArgs);
        }

        /** 1 user at 1/s for 10 s, one worker, no host. */
        public static Options of(Path locustfile, Path workDir) {
            return new Options(locustfile, workDir, 1, 1, Duration.ofSeconds(10), 1, Optional.empty(), List.of());
        }

        public Options users(int count) {
            return new Options(locustfile, workDir, count, spawnRate, runTime, expectWorkers, host, extraArgs);
        }

        public Options spawnRate(double perSecond) {
            return new Options(locustfile, workDir, users, perSecond, runTime, expectWorkers, host, extraArgs);
        }

        public Options runTime(Duration duration) {
            return new Options(locustfile, workDir, users, spawnRate, duration, expectWorkers, host, extraArgs);
        }

        public Options expectWorkers(int count) {
            return new Options(locustfile, workDir, users, spawnRate, runTime, count, host, extraArgs);
        }

        public Options host(String target) {
            return new Options(locustfile, workDir, users, spawnRate, runTime, expectWorkers, Optional.of(target), extraArgs);
        }

        public Options extraArgs(List<String> args) {
            return new Options(locustfile, workDir, users, spawnRate, runTime, expectWorkers, host, args);
        }
    }

    private LocustMaster(Process process, int port, Path csvPrefix, Path log) {
        this.process = process;
        this.port = port;
        this.csvPrefix = csvPrefix;
        this.log = log;
    }

    /** Starts the master; it waits for its workers before the run time starts counting. */
    public static LocustMaster start(Options options) throws IOException {
        Files.createDirectories(options.workDir());
        Path csvPrefix = options.workDir().resolve("locust");
        Path log = options.workDir().resolve("locust-master.log");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", BOOTSTRAP,
                "-f", options.locustfile().toAbsolutePath().toString(),
                "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", "0",
                "--headless", "--expect-workers", Integer.toString(options.expectWorkers()),
                "-u", Integer.toString(options.users()), "-r", Double.toString(options.spawnRate()),
                "-t", options.runTime().toSeconds() + "s", "--csv", csvPrefix.toString(),
                "--loglevel", "INFO"));
        options.host().ifPresent(host -> command.addAll(List.of("--host", host)));
        command.addAll(options.extraArgs());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(options.workDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        Process process = builder.start();
        try {
            return new LocustMaster(process, awaitPort(process, log), csvPrefix, log);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static int awaitPort(Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            int at = output.indexOf(PORT_LINE);
            int end = at < 0 ? -1 : output.indexOf('\n', at);
            if (end > 0) {
                return Integer.parseInt(output.substring(at + PORT_LINE.length(), end).trim());
            }
            if (!process.isAlive()) {
                throw new IOException("Locust master exited with " + process.exitValue() + " before binding; its log: " + output);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the Locust master started", e);
            }
        }
        throw new IOException("Locust master bound no port within " + STARTUP_LIMIT + "; its log: " + log);
    }

    /** The port workers connect to (on 127.0.0.1). */
    public int port() {
        return port;
    }

    /** Locust's {@code *_stats.csv}: one row per request name and the Aggregated row. */
    public Path statsCsv() {
        return Path.of(csvPrefix + "_stats.csv");
    }

    /** Locust's {@code *_failures.csv}: Method, Name, Error, Occurrences. */
    public Path failuresCsv() {
        return Path.of(csvPrefix + "_failures.csv");
    }

    /** Locust's {@code *_stats_history.csv}. */
    public Path statsHistoryCsv() {
        return Path.of(csvPrefix + "_stats_history.csv");
    }

    /** The master's stdout and stderr. */
    public Path log() {
        return log;
    }

    /** Everything the master printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the output contains {@code fragment}; false on timeout or if the master exited first. */
    public boolean awaitOutput(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (output().contains(fragment)) {
                return true;
            }
            if (!process.isAlive()) {
                return output().contains(fragment);
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Waits for the master to exit and returns its exit code (0, or 1 when some requests failed).
     *
     * @throws TimeoutException if it still runs after the timeout (it is left running; close kills it)
     */
    public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("Locust master still running after " + timeout + "; its log: " + log);
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM: Locust then shuts down as at the end of a headless run time (quit to the
     * workers, half a second for their last reports, the summary, exit); {@link #awaitExit} waits.
     */
    public void terminate() {
        process.destroy();
    }

    /**
     * The summary table Locust printed when it quit (after {@code Shutting down}): one row per
     * request name, then Aggregated.
     *
     * @throws IllegalStateException if it printed none (still running, or killed)
     */
    public List<SummaryRow> finalSummary() {
        String output = output();
        int shutdown = output.lastIndexOf("Shutting down (exit code");
        if (shutdown < 0) {
            throw new IllegalStateException("the Locust master printed no final summary; its log: " + log);
        }
        List<SummaryRow> rows = new ArrayList<>();
        for (String line : output.substring(shutdown).split("\n")) {
            Matcher row = SUMMARY_ROW.matcher(line);
            if (row.find()) {
                rows.add(new SummaryRow(row.group(1) == null ? "" : row.group(1), row.group(2).trim(),
                        Long.parseLong(row.group(3)), Long.parseLong(row.group(4))));
            } else if (!rows.isEmpty() && line.isBlank()) {
                break;
            }
        }
        return List.copyOf(rows);
    }

    /** "grpc     GetTodos     146     0(0.00%) |" or "         Aggregated     146     0(0.00%) |". */
    private static final Pattern SUMMARY_ROW =
            Pattern.compile("^\\s*(?:(\\S+)\\s+)?(\\S.*?)\\s+(\\d+)\\s+(\\d+)\\(\\d+\\.\\d+%\\)\\s+\\|");

    /** Kills the master if it still runs (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
