package dev.todokube.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A started child process whose combined output goes to a log file. Closing it always leaves no
 * process behind: it is killed (with its descendants) if still alive.
 *
 * <p>Works for any command, not only JVMs: see {@link #start(String, List, Map, Path, Path, PrintStream)}.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final int TAIL_LINES = 30;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path errorFile;
    private final Thread pump;

    private ChildProcess(String name, Process process, Path logFile, Path errorFile, Thread pump) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.errorFile = errorFile;
        this.pump = pump;
    }

    /**
     * Starts {@code command} with {@code env} added to the inherited environment, stdout and stderr
     * merged into {@code logFile}, and, when {@code echo} is not null, each line copied to it too.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env,
            Path workingDirectory, Path logFile, PrintStream echo) throws IOException {
        return start(name, command, env, true, workingDirectory, logFile, null, echo);
    }

    /**
     * As {@link #start(String, List, Map, Path, Path, PrintStream)}, and: with {@code inheritEnvironment}
     * false the child sees only {@code env}; with an {@code errorFile}, stderr goes there instead of
     * into the log.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env,
            boolean inheritEnvironment, Path workingDirectory, Path logFile, Path errorFile, PrintStream echo)
            throws IOException {
        createParent(logFile);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(errorFile == null);
        if (errorFile != null) {
            createParent(errorFile);
            builder.redirectError(errorFile.toFile());
        }
        if (!inheritEnvironment) {
            builder.environment().clear();
        }
        builder.environment().putAll(env);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        if (echo == null) {
            builder.redirectOutput(logFile.toFile());
            return new ChildProcess(name, builder.start(), logFile, errorFile, null);
        }
        Process process = builder.start();
        Thread pump = new Thread(() -> copyLines(process.getInputStream(), logFile, echo), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return new ChildProcess(name, process, logFile, errorFile, pump);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void copyLines(InputStream from, Path logFile, PrintStream echo) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8));
                OutputStream log = Files.newOutputStream(logFile)) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
                log.flush();
                echo.println(line);
            }
        } catch (IOException e) {
            // The child closed its output abruptly (killed): whatever it wrote is already in the log.
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** The process and, through it, its descendants (e.g. to check that none outlived a stop). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Everything the child has written so far (without stderr when it goes to an error file). */
    public String output() {
        return read(logFile);
    }

    /** What the child has written to stderr so far, when started with an error file; else empty. */
    public String errorOutput() {
        return errorFile == null ? "" : read(errorFile);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until an output line matches {@code pattern} (searched with {@link Matcher#find()}) and
     * returns that match. Fails with the tail of the log if the child exits first or the timeout passes.
     */
    public MatchResult awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<MatchResult> match = findLine(pattern);
            if (match.isPresent()) {
                return match.get();
            }
            if (!process.isAlive()) {
                drainPump();
                return findLine(pattern).orElseThrow(() -> new IllegalStateException(
                        name + " exited with code " + process.exitValue() + " before logging a line matching /"
                                + pattern + "/; last output:\n" + tail()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " logged no line matching /" + pattern + "/ within "
                        + timeout + "; last output:\n" + tail());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The first output line so far matching {@code pattern}, if any. */
    public Optional<MatchResult> findLine(Pattern pattern) {
        for (String line : output().split("\\R")) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return Optional.of(matcher.toMatchResult());
            }
        }
        return Optional.empty();
    }

    /** The last lines of output, for error messages. */
    public String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    /** Sends SIGTERM (a graceful stop) without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGTERM and waits for the exit; kills it if it has not exited within {@code timeout}. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException(name + " did not exit within " + timeout
                    + " of SIGTERM and was killed; last output:\n" + tail());
        }
        drainPump();
        return process.exitValue();
    }

    /** Waits for the child to exit by itself; kills it and fails if it has not within {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException(name + " was still running after " + timeout
                    + " and was killed; last output:\n" + tail());
        }
        drainPump();
        return process.exitValue();
    }

    /** Kills the child and its descendants at once (SIGKILL) and waits for them. */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            drainPump();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainPump() throws InterruptedException {
        if (pump != null) {
            pump.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    @Override
    public void close() {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
