package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cli.BgKube;
import dev.todokube.bgkube.cli.Toolbox;
import dev.todokube.bgkube.process.CommandRunner;
import dev.todokube.bgkube.process.StopSignal;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A small service project in a temporary directory (templates plus an env file) and a way to run
 * the bg-kube command line against a {@link MockCluster}, capturing output and exit code.
 */
public final class TestProject {

    /** The fixed clock's epoch second: the tag a build without --tag gets. */
    public static final long NOW = 1_764_000_000L;

    /**
     * Fast polls; an API server that does not answer is given 3 s (the fault tests' outages are shorter);
     * a lease of 3 s, so a holder that died is taken over within seconds.
     */
    public static final Toolbox.Timing TIMING = new Toolbox.Timing(Duration.ofMillis(100), Duration.ofSeconds(3),
            Duration.ofSeconds(3));

    /** Result of one bg-kube run. */
    public record Run(int exitCode, String out, String err) {}

    private final Path dir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final LocalPodExec podExec = new LocalPodExec();
    private final FixedPortForwarder portForwarder = new FixedPortForwarder("127.0.0.1:18001");
    private final ScriptedCommandRunner commands = new ScriptedCommandRunner()
            .script("docker", new CommandRunner.Result(0, "ok\n"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.ofEpochSecond(NOW));
    private final AtomicBoolean sleepsInterrupted = new AtomicBoolean();
    private final AtomicReference<Runnable> duringNextSleep = new AtomicReference<>();
    private final AtomicReference<StopSignal> running = new AtomicReference<>();
    /** bg-kube's clock: stands still unless the test moves it, also while a command runs. */
    private final Clock clock = new TestClock(now, ZoneOffset.UTC);

    public TestProject(Path dir) {
        this.dir = dir;
        copyTemplate("deployment.yaml");
        copyTemplate("service.yaml");
        copyTemplate("smoke-service.yaml");
        copyTemplate("seed-job.yaml");
        copyTemplate("hpa.yaml");
        env.put("CLUSTER_NAME", "test-cluster");
        env.put("CLUSTER_ZONE", "europe-west1-b");
        env.put("IMAGE_NAME", "registry.example/team/todo-api");
        env.put("SERVICE_NAME", "todo-api");
        env.put("SERVICE_CONFIG", file("service.yaml"));
        env.put("DEPLOYMENT_CONFIG", file("deployment.yaml"));
        env.put("SMOKE_SERVICE_CONFIG", file("smoke-service.yaml"));
        env.put("DB_MIGRATIONS_JOB_CONFIG_SEED", file("seed-job.yaml"));
        env.put("HPA_CONFIG", file("hpa.yaml"));
        env.put("SMOKE_TESTS_COMMAND", "echo \"$TEST_HOST\" >> " + file("smoke-hosts.txt"));
        env.put("DB_MIGRATIONS_STATUS_COMMAND", "echo migration-status-42");
        env.put("DB_MIGRATIONS_APPLY_COMMAND", "echo applied");
        env.put("DB_MIGRATIONS_ROLLBACK_COMMAND", "echo rolling-back-to");
        env.put("NAMESPACE", MockCluster.NAMESPACE);
        env.put("DEPLOYMENT_TIMEOUT", "20s");
        env.put("DB_MIGRATIONS_JOB_TIMEOUT", "20s");
        env.put("SMOKE_SERVICE_TIMEOUT", "20s");
        env.put("SERVICE_TIMEOUT", "20s");
        env.put("DOCKER_BUILD_ARGS", "VERSION=1.2 PROFILE=prod");
        env.put("REPLICAS", "2");
    }

    public Path dir() {
        return dir;
    }

    /** Absolute path of a file in the project. */
    public String file(String name) {
        return dir.resolve(name).toString();
    }

    public TestProject set(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** A setting as the env file will have it; null when unset. */
    public String env(String key) {
        return env.get(key);
    }

    public TestProject remove(String key) {
        env.remove(key);
        return this;
    }

    public TestProject writeFile(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The Deployment with a container port named metrics, as todo-api's manifests have (the watch reads it). */
    public TestProject withMetricsPort() {
        try {
            writeFile("deployment-metrics.yaml", Files.readString(dir.resolve("deployment.yaml"))
                    .replace("ports: [{containerPort: 8001, name: grpc}]",
                            "ports: [{containerPort: 8001, name: grpc}, {containerPort: 9090, name: metrics}]"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return set("DEPLOYMENT_CONFIG", file("deployment-metrics.yaml"));
    }

    /** ClusterIP public and smoke Services, as on kind or minikube: both colors are reached through port-forwards. */
    public TestProject withClusterIpServices() {
        for (String name : List.of("service", "smoke-service")) {
            writeFile(name + "-cluster-ip.yaml", """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: $SERVICE_NAME%s
                    spec:
                      selector: {app: $SERVICE_NAME, color: $COLOR}
                      ports: [{port: 8001, targetPort: grpc, name: grpc}]
                    """.formatted(name.equals("service") ? "" : "-smoke"));
        }
        return set("SERVICE_CONFIG", file("service-cluster-ip.yaml"))
                .set("SMOKE_SERVICE_CONFIG", file("smoke-service-cluster-ip.yaml"));
    }

    /**
     * The migration commands append what they do to {@code migrations.log} in the project (also when a
     * bg-kube child process runs them): "applied", then "rolled-back <status output words>".
     */
    public TestProject loggingMigrations() {
        String log = file("migrations.log");
        return set("DB_MIGRATIONS_STATUS_COMMAND", "echo migration-status-42")
                .set("DB_MIGRATIONS_APPLY_COMMAND", "echo applied >> " + log)
                .set("DB_MIGRATIONS_ROLLBACK_COMMAND", "echo rolled-back \"$@\" >> " + log + "; true");
    }

    /** The lines {@link #loggingMigrations} wrote so far. */
    public List<String> migrationsLog() {
        try {
            Path log = dir.resolve("migrations.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public LocalPodExec podExec() {
        return podExec;
    }

    public FixedPortForwarder portForwarder() {
        return portForwarder;
    }

    public ScriptedCommandRunner commands() {
        return commands;
    }

    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /**
     * Asks the command running now to stop, as a SIGINT or SIGTERM does in the real process (its
     * thread is interrupted; it undoes its half-done release).
     */
    public void stopRunningCommand(String why) {
        running.get().request(why);
    }

    /** Moves the clock bg-kube runs with (it starts at {@link #NOW} and stands still otherwise, also mid-command). */
    public TestProject advanceClock(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
        return this;
    }

    /** From now on a delay (the scale-down delay) ends bg-kube with an error, as when its process is stopped during it. */
    public TestProject interruptSleeps() {
        sleepsInterrupted.set(true);
        return this;
    }

    /** Runs this (e.g. another bg-kube command) once, inside the next delay, as if during the scale-down wait. */
    public TestProject duringNextSleep(Runnable action) {
        duringNextSleep.set(action);
        return this;
    }

    /** TEST_HOST values the smoke tests saw, one per run. */
    public List<String> smokeHosts() {
        try {
            Path hosts = dir.resolve("smoke-hosts.txt");
            return Files.exists(hosts) ? Files.readAllLines(hosts) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code bg-kube --env-file <the env file written from the current settings> args...}. */
    public Run run(MockCluster cluster, String... args) {
        List<String> argv = new ArrayList<>(List.of("--env-file", file(".env.test")));
        argv.addAll(Arrays.asList(args));
        return execute(Optional.of(cluster), argv);
    }

    /** Runs bg-kube against an API server that refuses connections. */
    public Run runUnreachable(String... args) {
        List<String> argv = new ArrayList<>(List.of("--env-file", file(".env.test")));
        argv.addAll(Arrays.asList(args));
        return execute(Optional.empty(), argv);
    }

    /** Runs bg-kube against the API server the client factory connects to (e.g. one answering with an error). */
    public Run runAgainst(Supplier<KubernetesClient> clients, String... args) {
        List<String> argv = new ArrayList<>(List.of("--env-file", file(".env.test")));
        argv.addAll(Arrays.asList(args));
        return execute(clients, argv);
    }

    /** Runs bg-kube with exactly these arguments (the env file is still written, for --env-file to name). */
    public Run runExactly(MockCluster cluster, String... args) {
        return execute(Optional.of(cluster), Arrays.asList(args));
    }

    private Run execute(Optional<MockCluster> cluster, List<String> argv) {
        return execute(() -> cluster.map(MockCluster::newClient).orElseGet(MockCluster::unreachableClient), argv);
    }

    /** Writes {@code .env.test} from the current settings; returns its path. */
    public Path writeEnvFile() {
        StringBuilder text = new StringBuilder();
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        writeFile(".env.test", text.toString());
        return dir.resolve(".env.test");
    }

    /**
     * A bg-kube process for this project and cluster (a kubeconfig for the project's namespace,
     * port-forwards reporting the address this project's in-process runs report), to start with
     * {@link #startChild} or, routed further, with {@code child(cluster).start(...)} and
     * {@code "--env-file", writeEnvFile().toString()} first among the arguments.
     */
    public BgKubeChild.Builder child(MockCluster cluster) {
        Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"), env.get("NAMESPACE"));
        return BgKubeChild.builder(dir, kubeconfig).forward(portForwarder.defaultAddress());
    }

    /** Starts {@code bg-kube --env-file <the env file written from the current settings> args...} as its own process. */
    public BgKubeChild startChild(MockCluster cluster, String name, String... args) {
        List<String> argv = new ArrayList<>(List.of("--env-file", writeEnvFile().toString()));
        argv.addAll(Arrays.asList(args));
        return child(cluster).start(name, argv.toArray(String[]::new));
    }

    private Run execute(Supplier<KubernetesClient> clients, List<String> argv) {
        writeEnvFile();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StopSignal stop = new StopSignal();
        stop.workOn(Thread.currentThread());
        running.set(stop);
        Toolbox toolbox = new Toolbox(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                (settings, quick) -> clients.get(),
                client -> podExec,
                client -> portForwarder,
                commands,
                duration -> {
                    sleeps.add(duration);
                    Runnable action = duringNextSleep.getAndSet(null);
                    if (action != null) {
                        action.run();
                    }
                    if (sleepsInterrupted.get()) {
                        // The process dying mid-delay: nothing after the sleep runs (an unchecked error, so
                        // no interrupt flag leaks into the test's thread).
                        throw new IllegalStateException("bg-kube stopped during the delay");
                    }
                },
                clock,
                TIMING,
                Optional.of(dir.resolve("jib-cache")),
                stop);
        int exitCode = BgKube.commandLine(toolbox).execute(argv.toArray(String[]::new));
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void copyTemplate(String name) {
        try (var in = TestProject.class.getResourceAsStream("/project/" + name)) {
            Files.write(dir.resolve(name), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock that reads the test's instant, wherever the test has moved it to. */
    private static final class TestClock extends Clock {

        private final AtomicReference<Instant> now;
        private final ZoneId zone;

        TestClock(AtomicReference<Instant> now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return new TestClock(now, newZone);
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
