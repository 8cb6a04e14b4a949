package dev.todokube.experiment;

import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import dev.todokube.experiment.service.PodBudget;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code experiment [options]}: the article's experiment on this machine, in one command. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = MongoServerCommand.class,
        description = "Starts todo-api replicas on loopback, runs the Java load generator against them "
                + "(round-robin), prints the Locust-style summary, writes an HTML/CSV/JSON report, and stops "
                + "everything it started (also on Ctrl-C).")
public final class ExperimentCommand implements Callable<Integer> {

    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Option(names = "--replicas", defaultValue = "2", description = "todo-api processes (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = {"-u", "--users"}, defaultValue = "1000", description = "Simulated users (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = {"-r", "--spawn-rate"}, defaultValue = "100",
            description = "Users started per second (default: ${DEFAULT-VALUE})")
    double spawnRate;

    @Option(names = {"-t", "--run-time"}, defaultValue = "60s", description = "Run time (default: ${DEFAULT-VALUE})")
    String runTime;

    @Option(names = "--wait-time", defaultValue = "between:100ms:1000ms",
            description = "Wait between a user's calls: between:MIN:MAX, constant:D or constant-throughput:N "
                    + "(default: ${DEFAULT-VALUE}, as the original)")
    String waitTime;

    @Option(names = "--tasks", description = "Weighted calls, e.g. GetTodos=3,CreateTodo=1 (default: GetTodos only)")
    String tasks;

    @Option(names = "--deadline", description = "Per-call deadline, e.g. 2s (default: the load generator's)")
    String deadline;

    @Option(names = "--warm-up-calls", defaultValue = "5000", paramLabel = "N",
            description = "GetTodos calls each replica answers before the load starts, so the measured run does not "
                    + "begin with cold JVMs; 0 for none (default: ${DEFAULT-VALUE})")
    int warmUpCalls;

    @Option(names = "--mongo-uri", description = "Use this MongoDB (DB_TYPE=mongo, DB_URI) instead of the in-memory store")
    String mongoUri;

    @Option(names = "--embedded-mongo",
            description = "Use MongoDB, served by an embedded mongo-java-server process (no install needed)")
    boolean embeddedMongo;

    @Option(names = "--locust",
            description = "Run the Java load generator as worker(s) of a local Locust master; open its web UI to drive the test")
    boolean locust;

    @Option(names = "--locust-workers", defaultValue = "1", description = "Java workers under --locust (default: ${DEFAULT-VALUE})")
    int locustWorkers;

    @Option(names = "--web-port", defaultValue = "8089", description = "Locust web UI port (default: ${DEFAULT-VALUE})")
    int webPort;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with Locust 2.x installed, for --locust (default: ${DEFAULT-VALUE})")
    String python;

    @Option(names = "--reports", defaultValue = "reports",
            description = "Folder for the reports; each run writes a timestamped subfolder (default: ${DEFAULT-VALUE})")
    Path reports;

    @Option(names = "--pod-cpu", paramLabel = "CPU",
            description = "Run each replica inside this CPU limit, as Kubernetes sets it (e.g. 100m); needs --pod-memory, root and a writable cgroup filesystem")
    String podCpu;

    @Option(names = "--pod-memory", paramLabel = "MEMORY",
            description = "Run each replica inside this memory limit (e.g. 100Mi); needs --pod-cpu")
    String podMemory;

    @Option(names = "--project-dir",
            description = "The project's root, where the built jars are (default: found from this jar's location)")
    Path projectDir;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ExperimentCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof ExperimentException) {
                cmd.getErr().println("experiment: " + e.getMessage());
                return 2;
            }
            if (e instanceof IllegalStateException) {
                cmd.getErr().println("experiment: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Path reportDir = reports.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(FOLDER)).toAbsolutePath();
        Experiment experiment = new Experiment(new ProjectLayout(projectRoot()), settings(reportDir), System.out);
        Thread hook = new Thread(experiment::stop, "experiment-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return experiment.run();
        } finally {
            experiment.stop();
        }
    }

    private Experiment.Settings settings(Path reportDir) {
        Experiment.StoreChoice store = mongoUri != null ? new Experiment.StoreChoice.ExternalMongo(mongoUri)
                : embeddedMongo ? new Experiment.StoreChoice.EmbeddedMongo() : new Experiment.StoreChoice.Memory();
        Experiment.Locust locustMode = locust ? new Experiment.Locust(python, "127.0.0.1", webPort, locustWorkers) : null;
        return new Experiment.Settings(replicas, store, load(), warmUpCalls, reportDir, locustMode, podBudget());
    }

    private Optional<PodBudget> podBudget() {
        if (podCpu == null && podMemory == null) {
            return Optional.empty();
        }
        if (podCpu == null || podMemory == null) {
            throw new ExperimentException("--pod-cpu and --pod-memory go together (e.g. --pod-cpu 100m --pod-memory 100Mi)");
        }
        try {
            return Optional.of(new PodBudget(podCpu, podMemory));
        } catch (IllegalArgumentException e) {
            throw new ExperimentException(e.getMessage());
        }
    }

    /** The load generator's options, as handed to loadtest. */
    LoadProfile load() {
        return new LoadProfile(users, spawnRate, runTime, waitTime, tasks, deadline);
    }

    /** Rejects bad options before anything starts, with loadtest's rules for the options it is handed. */
    void validate() {
        podBudget();
        if (replicas < 1) {
            throw new ExperimentException("--replicas must be at least 1, got " + replicas);
        }
        if (users < 1) {
            throw new ExperimentException("--users must be at least 1, got " + users);
        }
        if (!(spawnRate > 0)) {
            throw new ExperimentException("--spawn-rate must be above 0, got " + spawnRate);
        }
        if (warmUpCalls < 0) {
            throw new ExperimentException("--warm-up-calls must be 0 or more, got " + warmUpCalls);
        }
        if (locustWorkers < 1) {
            throw new ExperimentException("--locust-workers must be at least 1, got " + locustWorkers);
        }
        if (mongoUri != null && embeddedMongo) {
            throw new ExperimentException("--mongo-uri and --embedded-mongo exclude each other");
        }
        positiveDuration("--run-time", runTime);
        if (deadline != null) {
            positiveDuration("--deadline", deadline);
        }
    }

    private static void positiveDuration(String option, String text) {
        try {
            if (Durations.parse(text).isZero()) {
                throw new ExperimentException(option + ": must be positive");
            }
        } catch (DurationFormatException e) {
            throw new ExperimentException(option + ": " + e.getMessage());
        }
    }

    // The jar normally runs from <root>/experiment/target/experiment.jar; otherwise use the working directory.
    private Path projectRoot() throws URISyntaxException {
        if (projectDir != null) {
            return projectDir;
        }
        Path self = Path.of(ExperimentCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = self.getParent();
        if (Files.isRegularFile(self) && target != null && target.getParent() != null
                && target.getFileName().toString().equals("target")
                && target.getParent().getFileName().toString().equals("experiment")) {
            return target.getParent().getParent();
        }
        return Path.of("").toAbsolutePath();
    }
}
