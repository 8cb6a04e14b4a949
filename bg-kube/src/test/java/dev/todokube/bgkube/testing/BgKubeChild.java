package dev.todokube.bgkube.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * bg-kube running in its own JVM ({@link BgKubeChildMain} on the test classpath), connected to a
 * {@link MockCluster} as a user's bg-kube is, through a kubeconfig ({@code KUBECONFIG}), so the
 * test can signal it (SIGINT as Ctrl-C, SIGTERM, SIGKILL) at a chosen moment. Its output goes to
 * files in the test's directory; {@link #close()} kills it and whatever it started if still running.
 */
public final class BgKubeChild implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(25);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private BgKubeChild(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * A child that runs in {@code directory} against the cluster a kubeconfig names
     * ({@link MockCluster#writeKubeconfig}); see {@link TestProject#child} for one set up for a test project.
     */
    public static Builder builder(Path directory, Path kubeconfig) {
        return new Builder(directory, kubeconfig);
    }

    /** Where the child runs, what its port-forwards report and its extra environment; {@link #start} starts it. */
    public static final class Builder {
        private final Path directory;
        private final Path kubeconfig;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder(Path directory, Path kubeconfig) {
            this.directory = directory;
            this.kubeconfig = kubeconfig;
        }

        /** The address every port-forward reports unless routed otherwise. */
        public Builder forward(String address) {
            properties.put(BgKubeChildMain.FORWARD, address);
            return this;
        }

        /** Port-forwards to this Service report this address. */
        public Builder forwardService(String service, String address) {
            properties.put(BgKubeChildMain.FORWARD_SERVICE + service, address);
            return this;
        }

        /** Port-forwards to pods whose name starts with the prefix report this address. */
        public Builder forwardPods(String podPrefix, String address) {
            properties.put(BgKubeChildMain.FORWARD_PODS + podPrefix, address);
            return this;
        }

        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Starts {@code bg-kube args...}; its output goes to {@code <name>.out} and {@code <name>.err} in the directory. */
        public BgKubeChild start(String name, String... args) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // A short-lived CLI on a busy machine: the C1 compiler only and a small heap start it fastest.
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                    "-cp", System.getProperty("java.class.path")));
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add(BgKubeChildMain.class.getName());
            command.addAll(List.of(args));
            Path out = directory.resolve(name + ".out");
            Path err = directory.resolve(name + ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().putAll(environment);
            try {
                return new BgKubeChild(builder.start(), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start bg-kube: " + command, e);
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path stdout() {
        return stdout;
    }

    public Path stderr() {
        return stderr;
    }

    /** What it wrote to standard output so far. */
    public String out() {
        return read(stdout);
    }

    /** What it wrote to standard error so far. */
    public String err() {
        return read(stderr);
    }

    /**
     * Waits until a line of its output (standard output or error) contains a match of the
     * pattern; returns the line. Fails the test after the timeout, or when it exits first, with
     * its output.
     */
    public String awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            Optional<String> line = Stream.concat(out().lines(), err().lines()).filter(l -> pattern.matcher(l).find()).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (exited || System.nanoTime() > deadline) {
                throw new AssertionError("no line of bg-kube's output matched " + pattern + (exited
                        ? " before it exited with " + process.exitValue() : " within " + timeout)
                        + "\nstdout:\n" + out() + "\nstderr:\n" + err());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** SIGINT, as Ctrl-C in a terminal. */
    public void interrupt() {
        signal("INT");
    }

    /** SIGTERM, as a CI runner or a container runtime stops a job. */
    public void terminate() {
        signal("TERM");
    }

    /** SIGKILL: no shutdown hook, no finally block runs. */
    public void kill() {
        signal("KILL");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -s " + name + " " + process.pid() + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for it to exit and gives its exit code (128 + the signal's number when a signal ended
     * it: 130 SIGINT, 143 SIGTERM, 137 SIGKILL). Fails the test after the timeout, with its output.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("bg-kube did not exit within " + timeout + "\nstdout:\n" + out() + "\nstderr:\n" + err());
        }
        return process.exitValue();
    }

    /** Kills it, and every process it started, if still running. */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("bg-kube (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
