package dev.todokube.bgkube.testing;

import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
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
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * bg-kube running in its own JVM ({@link BgKubeChildMain} on the test classpath, started as a
 * testkit {@link ChildProcess}), connected to a {@link MockCluster} as a user's bg-kube is, through
 * a kubeconfig ({@code KUBECONFIG}), so the test can signal it (SIGINT as Ctrl-C, SIGTERM, SIGKILL)
 * at a chosen moment. Its standard output and error go to files in the test's directory;
 * {@link #close()} kills it and whatever it started if still running.
 */
public final class BgKubeChild implements AutoCloseable {

    private final ChildProcess process;
    private final Path stdout;
    private final Path stderr;

    private BgKubeChild(ChildProcess process, Path stdout, Path stderr) {
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
            // A short-lived CLI on a busy machine: the C1 compiler only and a small heap start it fastest.
            List<String> jvmArgs = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
            properties.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
            Path out = directory.resolve(name + ".out");
            Path err = directory.resolve(name + ".err");
            try {
                return new BgKubeChild(ChildJvm.mainClassOnCurrentClasspath(BgKubeChildMain.class.getName()).name(name)
                        .jvmArgs(jvmArgs.toArray(String[]::new)).args(args)
                        .env("KUBECONFIG", kubeconfig.toString()).env(environment).workingDirectory(directory)
                        .logFile(out).errorFile(err).start(), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start bg-kube " + String.join(" ", args), e);
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
        return process.output();
    }

    /** What it wrote to standard error so far. */
    public String err() {
        return process.errorOutput();
    }

    /**
     * Waits until a line of its standard output contains a match of the pattern (bg-kube reports
     * each step there) and returns the match; fails after the timeout, or when it exits first, with its output.
     */
    public MatchResult awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        return process.awaitLine(pattern, timeout);
    }

    /**
     * SIGINT, as Ctrl-C in a terminal. Refused when the process ignores SIGINT: a JVM keeps a signal
     * ignored that it was started with, and a build started as a background job of a shell without
     * job control (nohup, {@code cmd &} in a script) passes SIGINT ignored down to every process it
     * starts, so the signal would silently change nothing.
     */
    public void interrupt() {
        try {
            if (ignoresSigint()) {
                throw new IllegalStateException("bg-kube's process " + process.pid() + " ignores SIGINT: it inherited "
                        + "the ignored signal from the shell that started the build (a background job of a shell "
                        + "without job control); run the build in the foreground, or after set -m");
            }
            Process kill = new ProcessBuilder("kill", "-s", "INT", String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -s INT " + process.pid() + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Bit 2 (SIGINT) of the ignored-signals mask in /proc/PID/status; false where there is no /proc. */
    private boolean ignoresSigint() throws IOException {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .map(line -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16))
                .anyMatch(mask -> (mask & (1L << 1)) != 0);
    }

    /** SIGTERM, as a CI runner or a container runtime stops a job. */
    public void terminate() {
        process.terminate();
    }

    /** SIGKILL to it and whatever it started: no shutdown hook, no finally block runs. */
    public void kill() {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for it to exit and gives its exit code (128 + the signal's number when a signal ended
     * it: 130 SIGINT, 143 SIGTERM, 137 SIGKILL); kills it and fails after the timeout, with its output.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout);
    }

    /** Kills it, and every process it started, if still running. */
    @Override
    public void close() {
        process.close();
    }
}
