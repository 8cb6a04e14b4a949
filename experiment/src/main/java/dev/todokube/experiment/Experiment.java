package dev.todokube.experiment;

import dev.todokube.duration.Durations;
import dev.todokube.experiment.service.PodBudget;
import dev.todokube.experiment.service.ReplicaWarmUp;
import dev.todokube.experiment.service.Store;
import dev.todokube.experiment.service.TodoApiLaunch;
import dev.todokube.experiment.service.TodoApiReplica;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.FreePorts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The article's experiment on one machine: todo-api replicas on loopback, load from the Java load
 * generator (standalone, or as workers of a Locust master whose web UI the user drives).
 */
final class Experiment {

    private static final Duration CHILD_GRACE = Duration.ofSeconds(15);
    /** The most a replica's warm-up may take, whatever the number of calls. */
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(20);
    private static final Pattern MONGO_READY = Pattern.compile("mongo ready: uri=(\\S+)");
    private static final Pattern LOCUST_READY = Pattern.compile("Starting web interface at (\\S+)");

    private final ProjectLayout layout;
    private final Settings settings;
    private final PrintStream out;
    private final Children children = new Children();
    // Stopped before its workers, so that it ends the test itself and writes its report.
    private final Children locustMaster = new Children();

    /**
     * Everything the user chose on the command line.
     *
     * @param warmUpCalls GetTodos calls each replica answers before the load starts (0: none)
     */
    record Settings(int replicas, StoreChoice store, LoadProfile load, int warmUpCalls, Path reportDir, Locust locust,
                    Optional<PodBudget> podBudget) {
    }

    /** The store: the embedded default, an embedded MongoDB, or the user's MongoDB. */
    sealed interface StoreChoice {
        record Memory() implements StoreChoice {
        }

        record EmbeddedMongo() implements StoreChoice {
        }

        record ExternalMongo(String uri) implements StoreChoice {
        }
    }

    /** Locust master mode: its web UI address and how many Java workers join it. */
    record Locust(String python, String webHost, int webPort, int workers) {
    }

    Experiment(ProjectLayout layout, Settings settings, PrintStream out) {
        this.layout = layout;
        this.settings = settings;
        this.out = out;
    }

    /** Runs to completion (or until interrupted) and returns the process exit code. */
    int run() throws IOException, InterruptedException {
        ProjectLayout.require(layout.todoApiJar(), "build it with: mvn -B package -DskipTests");
        TodoApiLaunch launch = launch();
        Path loadtestJar = ProjectLayout.require(layout.loadtestJar(), "build it with: mvn -B package -DskipTests");
        Path reports = settings.reportDir();
        Path logs = reports.resolve("logs");
        Files.createDirectories(logs);

        Store store = startStore(logs);
        List<TodoApiReplica> replicas = startReplicas(launch, store, logs);
        String hosts = replicas.stream().map(r -> r.grpc().toString()).collect(Collectors.joining(","));
        printReplicas(replicas, store);
        warmUp(replicas);

        if (settings.locust() != null) {
            return runUnderLocustMaster(loadtestJar, hosts, logs);
        }
        return runStandalone(loadtestJar, hosts, logs);
    }

    /** Stops everything this experiment started; idempotent, called on exit and from the shutdown hook. */
    void stop() {
        locustMaster.stopAll(CHILD_GRACE);
        children.stopAll(CHILD_GRACE);
    }

    private Store startStore(Path logs) throws IOException, InterruptedException {
        StoreChoice choice = settings.store();
        if (choice instanceof StoreChoice.ExternalMongo mongo) {
            return Store.mongo(mongo.uri());
        }
        if (choice instanceof StoreChoice.EmbeddedMongo) {
            ChildProcess mongo = children.add(ChildJvm.mainClassOnCurrentClasspath(MongoServerCommand.class.getName())
                    .name("mongo").logFile(logs.resolve("mongo.log")).start());
            MatchResult ready = mongo.awaitLine(MONGO_READY, Duration.ofSeconds(30));
            out.println("Embedded MongoDB (mongo-java-server, in memory): " + ready.group(1));
            return Store.mongo(ready.group(1));
        }
        return Store.memory();
    }

    /** The launcher, as the images start todo-api; inside the pod budget when one is asked for. */
    private TodoApiLaunch launch() throws IOException, InterruptedException {
        Path launcher = ProjectLayout.require(layout.todoApiLauncher(), "it ships with the todo-api module");
        if (settings.podBudget().isEmpty()) {
            return TodoApiLaunch.plain(launcher);
        }
        PodBudget budget = settings.podBudget().get();
        Path tool = ProjectLayout.require(layout.podBudgetTool(), "it ships with bench/");
        List<String> check = new ArrayList<>(TodoApiLaunch.budgetTool(tool, budget));
        check.add("--check");
        Process process = new ProcessBuilder(check).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new ExperimentException("cannot run the replicas in a pod budget of " + budget + ": " + output);
        }
        out.println("Replicas run inside a pod budget of " + budget + " each (" + output + ")");
        return TodoApiLaunch.inPodBudget(tool, budget, launcher);
    }

    private List<TodoApiReplica> startReplicas(TodoApiLaunch launch, Store store, Path logs)
            throws IOException, InterruptedException {
        List<TodoApiReplica> replicas = new ArrayList<>();
        for (int i = 1; i <= settings.replicas(); i++) {
            String name = "todo-api-" + i;
            TodoApiReplica replica = TodoApiReplica.start(launch, name, store,
                    Map.of("SHUTDOWN_GRACE", "5s"), logs.resolve(name + ".log"));
            children.add(replica.process());
            replicas.add(replica);
        }
        return replicas;
    }

    private void warmUp(List<TodoApiReplica> replicas) throws InterruptedException {
        if (settings.warmUpCalls() == 0) {
            return;
        }
        for (TodoApiReplica replica : replicas) {
            ReplicaWarmUp.Outcome outcome = ReplicaWarmUp.run(replica.grpc(), settings.warmUpCalls(), WARM_UP_LIMIT);
            out.printf("Warmed up %s: %,d GetTodos calls in %.1f s (%,d failed)%n", replica.name(),
                    outcome.ok(), outcome.took().toMillis() / 1000.0, outcome.failed());
        }
        out.println();
    }

    private void printReplicas(List<TodoApiReplica> replicas, Store store) {
        out.println();
        out.println("todo-api replicas (" + store.describe() + "):");
        for (TodoApiReplica replica : replicas) {
            out.printf("  %-10s gRPC %-21s metrics http://%s/metrics%n",
                    replica.name(), replica.grpc(), replica.metrics());
        }
        TodoApiReplica first = replicas.get(0);
        out.println("Call one yourself (server reflection is on), e.g.:");
        out.println("  grpcurl -plaintext " + first.grpc() + " grpc.Todos/GetTodos");
        out.println("  grpcurl -plaintext -d '{\"title\":\"Try it\",\"tag\":\"demo\",\"priority\":1}' "
                + first.grpc() + " grpc.Todos/CreateTodo");
        out.println("Logs: " + settings.reportDir().resolve("logs"));
        out.println();
    }

    private int runStandalone(Path loadtestJar, String hosts, Path logs) throws IOException, InterruptedException {
        Path reports = settings.reportDir();
        Path html = reports.resolve("report.html");
        List<String> args = new ArrayList<>(List.of("run", "--host", hosts));
        args.addAll(settings.load().runOptions());
        args.addAll(List.of(
                "--csv", reports.resolve("stats").toString(),
                "--html", html.toString(),
                "--json", reports.resolve("totals.json").toString()));
        out.println("Load: java -jar " + layout.root().relativize(loadtestJar) + " " + String.join(" ", args));
        out.println();
        ChildProcess load = children.add(ChildJvm.jar(loadtestJar).name("loadtest")
                .logFile(logs.resolve("loadtest.log")).echoTo(out).args(args).start());
        int exit = load.waitFor(runTimeBound());
        out.println();
        if (Files.isRegularFile(html)) {
            out.println("HTML report: " + html.toUri());
            out.println("CSV and JSON: " + reports);
        } else {
            out.println("The load generator wrote no HTML report (exit code " + exit + "); see " + load.logFile());
        }
        return exit;
    }

    private int runUnderLocustMaster(Path loadtestJar, String hosts, Path logs)
            throws IOException, InterruptedException {
        Locust locust = settings.locust();
        Path locustfile = ProjectLayout.require(layout.locustfile(), "the locustfile ships with the loadtest module");
        int masterPort = FreePorts.find();
        List<String> master = new ArrayList<>(List.of(locust.python(), "-m", "locust",
                "-f", locustfile.toString(), "--master",
                "--master-bind-host", "127.0.0.1", "--master-bind-port", Integer.toString(masterPort),
                "--web-host", locust.webHost(), "--web-port", Integer.toString(locust.webPort()),
                "--host", hosts,
                "--users", Integer.toString(settings.load().users()),
                "--spawn-rate", settings.load().formatRate(),
                "--csv", settings.reportDir().resolve("locust").toString(), "--html",
                settings.reportDir().resolve("locust-report.html").toString()));
        ChildProcess masterProcess;
        try {
            masterProcess = locustMaster.add(ChildProcess.start("locust-master", master, Map.of(), layout.root(),
                    logs.resolve("locust-master.log"), null));
        } catch (IOException e) {
            throw new ExperimentException("cannot start Locust with " + locust.python()
                    + " (install python3-locust or pass --python): " + e.getMessage());
        }
        MatchResult ready = masterProcess.awaitLine(LOCUST_READY, Duration.ofSeconds(60));
        for (int i = 1; i <= locust.workers(); i++) {
            children.add(ChildJvm.jar(loadtestJar).name("loadtest-worker-" + i)
                    .logFile(logs.resolve("loadtest-worker-" + i + ".log"))
                    .args("worker", "--master-host", "127.0.0.1", "--master-port", Integer.toString(masterPort),
                            "--host", hosts)
                    .start());
        }
        out.println("Locust master: " + ready.group(1) + " with " + locust.workers()
                + " Java worker(s); open it in a browser, choose users and spawn rate, press Start.");
        out.println("Target (pre-filled): " + hosts);
        out.println("Press Ctrl-C to stop everything; Locust writes its report to " + settings.reportDir());
        return masterProcess.waitFor(Duration.ofDays(365));
    }

    // Ramp-up plus run time plus room for the final report; a hung load generator is killed after it.
    private Duration runTimeBound() {
        Duration runTime = Durations.parse(settings.load().runTime());
        double rampSeconds = settings.load().users() / settings.load().spawnRate();
        return runTime.plusSeconds((long) Math.ceil(rampSeconds)).plusMinutes(2);
    }
}
