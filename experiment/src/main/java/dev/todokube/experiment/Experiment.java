package dev.todokube.experiment;

import dev.todokube.duration.Durations;
import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.autoscale.ControllerSettings;
import dev.todokube.experiment.manifest.PodTemplate;
import dev.todokube.experiment.rehearsal.PodLauncher;
import dev.todokube.experiment.rehearsal.Rehearsal;
import dev.todokube.experiment.rehearsal.RehearsalRecord;
import dev.todokube.experiment.report.AutoscalingReport;
import dev.todokube.experiment.report.LoadHistory;
import dev.todokube.experiment.service.Endpoint;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The article's experiment on one machine: todo-api replicas on loopback, a fixed number or
 * autoscaled by a rehearsal of the HPA ({@link Rehearsal}), load from the Java load generator
 * (standalone, or as workers of a Locust master whose web UI the user drives).
 */
final class Experiment {

    private static final Duration CHILD_GRACE = Duration.ofSeconds(15);
    /** The most a replica's warm-up may take, whatever the number of calls. */
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(20);
    private static final Pattern MONGO_READY = Pattern.compile("mongo ready: uri=(\\S+)");
    private static final Pattern SEEDED = Pattern.compile("seed: .*");
    private static final Pattern LOCUST_READY = Pattern.compile("Starting web interface at (\\S+)");
    /**
     * How long the Deployment's first pods may take to be ready (a 100m pod: 4 s on a quiet machine,
     * 20-30 s on a busy one).
     */
    private static final Duration ROLLOUT_LIMIT = Duration.ofSeconds(120);

    private final ProjectLayout layout;
    private final Settings settings;
    private final PrintStream out;
    private final Children children = new Children();
    // Stopped before its workers, so that it ends the test itself and writes its report.
    private final Children locustMaster = new Children();
    // The load generators: stopped before the servers, so that no call they make fails for want of one.
    private final Children load = new Children();
    private Rehearsal rehearsal;
    private boolean stopped;

    /**
     * Everything the user chose on the command line.
     *
     * @param warmUpCalls GetTodos calls each replica answers before the load starts (0: none)
     */
    record Settings(int replicas, StoreChoice store, LoadProfile load, int warmUpCalls, Path reportDir, Locust locust,
                    Optional<PodBudget> podBudget, Optional<Autoscaling> autoscaling) {
    }

    /**
     * The autoscaling rehearsal: the HPA and the pods it scales, and the server those run.
     *
     * @param serverCommand another server's command line in todo-api's place
     * @param source where the autoscaler and the pods come from, for the console and the report
     */
    record Autoscaling(AutoscalerSpec autoscaler, PodTemplate pod, Optional<String> serverCommand, String source) {
    }

    /** The store: the embedded default, an embedded MongoDB, or the user's MongoDB. */
    sealed interface StoreChoice {
        String describe();

        record Memory() implements StoreChoice {
            @Override
            public String describe() {
                return "in memory, one store per replica";
            }
        }

        record EmbeddedMongo() implements StoreChoice {
            @Override
            public String describe() {
                return "embedded MongoDB (mongo-java-server) with the seed data";
            }
        }

        record ExternalMongo(String uri) implements StoreChoice {
            @Override
            public String describe() {
                return "MongoDB at " + uri;
            }
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
        Path loadtestJar = ProjectLayout.require(layout.loadtestJar(), "build it with: mvn -B package -DskipTests");
        TodoApiLaunch launch = settings.autoscaling().isPresent() ? rehearsalLaunch(settings.autoscaling().get()) : launch();
        Path logs = settings.reportDir().resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new ExperimentException("cannot create the report folder " + settings.reportDir() + ": " + e);
        }

        String hosts;
        if (settings.autoscaling().isPresent()) {
            hosts = startRehearsal(settings.autoscaling().get(), launch, startStore(logs), logs);
        } else {
            Store store = startStore(logs);
            List<TodoApiReplica> replicas = startReplicas(launch, store, logs);
            hosts = replicas.stream().map(r -> r.grpc().toString()).collect(Collectors.joining(","));
            printReplicas(replicas, store);
            warmUp(replicas.stream().map(r -> new Named(r.name(), r.grpc())).toList());
        }
        if (settings.locust() != null) {
            return runUnderLocustMaster(loadtestJar, hosts, logs);
        }
        return runStandalone(loadtestJar, hosts, logs);
    }

    /**
     * Stops everything this experiment started, then writes the autoscaling report; idempotent, called
     * on exit and from the shutdown hook (Ctrl-C), so an interrupted run still reports what it saw.
     */
    synchronized void stop() {
        // Synchronized as a whole: a shutdown hook that found the work under way must wait for it, since the JVM
        // halts once its hooks return.
        stopped = true;
        locustMaster.stopAll(CHILD_GRACE);
        load.stopAll(CHILD_GRACE);
        if (rehearsal != null) {
            report(rehearsal);
            rehearsal = null;
        }
        children.stopAll(CHILD_GRACE);
    }

    private void report(Rehearsal stopping) {
        try {
            RehearsalRecord record = stopping.stop(CHILD_GRACE);
            Path html = settings.reportDir().resolve("autoscaling.html");
            Path prefix = settings.reportDir().resolve(settings.locust() != null ? "locust" : "stats");
            AutoscalingReport.write(record, LoadHistory.read(prefix), describe(), html,
                    settings.reportDir().resolve("autoscaling.json"));
            out.println("Autoscaling report: " + html.toUri());
        } catch (IOException e) {
            System.err.println("experiment: cannot write the autoscaling report: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The HPA over pods in their budgets; returns the load generator's target, the Service's endpoints file. */
    private String startRehearsal(Autoscaling autoscaling, TodoApiLaunch launch, Store store, Path logs)
            throws IOException, InterruptedException {
        Path endpoints = settings.reportDir().resolve("endpoints");
        Rehearsal.Settings rehearsalSettings = new Rehearsal.Settings(autoscaling.autoscaler(),
                ControllerSettings.kubernetesDefaults(), autoscaling.pod(), new PodLauncher(launch, store.env(), logs),
                endpoints, "todo-api");
        out.println();
        out.println("Autoscaling rehearsal of " + autoscaling.source() + ":");
        out.println("  HPA " + autoscaling.autoscaler());
        out.println("  pods request " + autoscaling.pod().cpuRequestMillis() + "m CPU, run within "
                + autoscaling.pod().limits() + ", " + store.describe() + "; logs in " + logs);
        Rehearsal started = Rehearsal.prepare(rehearsalSettings, out);
        synchronized (this) {
            if (stopped) {
                throw new IllegalStateException("stopped before the rehearsal started");
            }
            rehearsal = started;
        }
        started.start();
        List<Endpoint> ready = started.awaitReady(ROLLOUT_LIMIT);
        out.println("Clients resolve the ready pods from " + endpoints + " (loadtest --host file:...) whenever a "
                + "connection ends, as through a headless Service's DNS");
        List<Named> initial = new ArrayList<>();
        for (Endpoint endpoint : ready) {
            initial.add(new Named("pod at " + endpoint, endpoint));
        }
        warmUp(initial);
        started.autoscale();
        return "file:" + endpoints;
    }

    /** The server each pod runs (todo-api's launcher, or the user's command), inside the pod's limits. */
    private TodoApiLaunch rehearsalLaunch(Autoscaling autoscaling) throws IOException, InterruptedException {
        TodoApiLaunch server = autoscaling.serverCommand().map(TodoApiLaunch::serverCommand).orElseGet(() ->
                TodoApiLaunch.plain(ProjectLayout.require(layout.todoApiLauncher(), "it ships with the todo-api module")));
        PodBudget limits = autoscaling.pod().limits();
        Path tool = ProjectLayout.require(layout.podBudgetTool(), "it ships with bench/");
        String cgroup = checkBudget(tool, limits, "--autoscale runs each pod within its CPU and memory limits and cannot here");
        out.println("Pods run inside their limits through " + cgroup);
        return TodoApiLaunch.inPodBudget(tool, limits, server);
    }

    /** The run's settings in a sentence, for the report. */
    private String describe() {
        LoadProfile profile = settings.load();
        String loadShape = settings.locust() != null ? "under a Locust master (users and rate as entered in its web UI)"
                : String.format(Locale.ROOT, "%,d users spawned at %s/s for %s", profile.users(), profile.formatRate(),
                        profile.runTime());
        return "Load: " + loadShape + ", wait " + profile.waitTime() + ", channels "
                + (profile.channels() == null ? "per-user" : profile.channels()) + "; store: "
                + settings.store().describe() + "; server: "
                + settings.autoscaling().flatMap(Autoscaling::serverCommand).orElse("todo-api (todo-api/bin/todo-api)")
                + ".";
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
            Store store = Store.mongo(ready.group(1));
            seed(store, logs);
            return store;
        }
        return Store.memory();
    }

    /** The seed data, as the DB-seed Job inserts it: todo-api's own seed command on the same database. */
    private void seed(Store store, Path logs) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        settings.autoscaling().map(autoscaling -> autoscaling.pod().env().get("DB_NAME"))
                .ifPresent(name -> env.put("DB_NAME", name));
        env.putAll(store.env());
        Path launcher = ProjectLayout.require(layout.todoApiLauncher(), "it ships with the todo-api module");
        try (ChildProcess seed = ChildProcess.start("seed", List.of(launcher.toString(), "seed"), env, null,
                logs.resolve("seed.log"), null)) {
            int exit = seed.waitFor(Duration.ofSeconds(60));
            if (exit != 0) {
                throw new IllegalStateException("seeding the embedded MongoDB failed (exit code " + exit + "):\n"
                        + seed.tail());
            }
            out.println(seed.findLine(SEEDED).map(match -> match.group()).orElse("Seeded the embedded MongoDB"));
        }
    }

    /** The launcher, as the images start todo-api; inside the pod budget when one is asked for. */
    private TodoApiLaunch launch() throws IOException, InterruptedException {
        Path launcher = ProjectLayout.require(layout.todoApiLauncher(), "it ships with the todo-api module");
        if (settings.podBudget().isEmpty()) {
            return TodoApiLaunch.plain(launcher);
        }
        PodBudget budget = settings.podBudget().get();
        Path tool = ProjectLayout.require(layout.podBudgetTool(), "it ships with bench/");
        String cgroup = checkBudget(tool, budget, "cannot run the replicas in a pod budget of " + budget);
        out.println("Replicas run inside a pod budget of " + budget + " each (" + cgroup + ")");
        return TodoApiLaunch.inPodBudget(tool, budget, launcher);
    }

    /** Asks the budget tool whether this machine can (root, a writable cgroup filesystem); what it uses, or why not. */
    private static String checkBudget(Path tool, PodBudget budget, String refusal) throws IOException, InterruptedException {
        List<String> check = new ArrayList<>(TodoApiLaunch.budgetTool(tool, budget));
        check.add("--check");
        Process process = new ProcessBuilder(check).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.waitFor() != 0) {
            throw new ExperimentException(refusal + ": " + output);
        }
        return output;
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

    /** A server to warm up, by the name the console shows. */
    private record Named(String name, Endpoint grpc) {
    }

    private void warmUp(List<Named> replicas) throws InterruptedException {
        if (settings.warmUpCalls() == 0) {
            return;
        }
        for (Named replica : replicas) {
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
        ChildProcess generator = load.add(ChildJvm.jar(loadtestJar).name("loadtest")
                .logFile(logs.resolve("loadtest.log")).echoTo(out).args(args).start());
        int exit = generator.waitFor(runTimeBound());
        out.println();
        if (Files.isRegularFile(html)) {
            out.println("HTML report: " + html.toUri());
            out.println("CSV and JSON: " + reports);
        } else {
            out.println("The load generator wrote no HTML report (exit code " + exit + "); see " + generator.logFile());
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
            load.add(ChildJvm.jar(loadtestJar).name("loadtest-worker-" + i)
                    .logFile(logs.resolve("loadtest-worker-" + i + ".log"))
                    .args("worker", "--master-host", "127.0.0.1", "--master-port", Integer.toString(masterPort),
                            "--host", hosts)
                    .args(settings.load().userOptions())
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
