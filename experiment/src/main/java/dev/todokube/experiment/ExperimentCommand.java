package dev.todokube.experiment;

import dev.todokube.duration.DurationFormatException;
import dev.todokube.duration.Durations;
import dev.todokube.experiment.autoscale.AutoscalerSpec;
import dev.todokube.experiment.manifest.EnvFile;
import dev.todokube.experiment.manifest.Manifests;
import dev.todokube.experiment.manifest.PodTemplate;
import dev.todokube.experiment.service.PodBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        description = "Starts todo-api replicas on loopback (a fixed number, or autoscaled as the HPA would), runs "
                + "the Java load generator against them (round-robin), prints the Locust-style summary, writes an "
                + "HTML/CSV/JSON report, and stops everything it started (also on Ctrl-C).")
public final class ExperimentCommand implements Callable<Integer> {

    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /**
     * About the article's realised load (its 791,711 requests in 20 minutes are 660/s; it says about 700):
     * 10,000 users each calling every 14 s on average.
     */
    static final String ARTICLE_WAIT = "between:9s:19s";
    private static final String AUTOSCALE_CHANNELS = "shared:14";

    @Option(names = "--replicas", paramLabel = "N",
            description = "todo-api processes (default: 2); not with --autoscale, where the HPA's minReplicas start")
    Integer replicas;

    @Option(names = "--autoscale",
            description = "Rehearse the HorizontalPodAutoscaler: start at its minReplicas, each pod in the CPU and memory "
                    + "limits of the Deployment, and scale by Kubernetes' algorithm on the pods' CPU (needs root and a "
                    + "writable cgroup filesystem)")
    boolean autoscale;

    @Option(names = "--article",
            description = "The article's run: --autoscale with 100m/100Mi pods, 1 to 10 replicas at 80%% CPU, the embedded "
                    + "MongoDB with the seed data, 10,000 users at 1,000/s offering about its 700 req/s, for 20m "
                    + "(each option given explicitly wins)")
    boolean article;

    @Option(names = "--hpa", paramLabel = "FILE",
            description = "The HorizontalPodAutoscaler to rehearse (default: kubernetes/hpa.yaml of the project)")
    Path hpa;

    @Option(names = "--deployment", paramLabel = "FILE",
            description = "The Deployment whose pods are rehearsed (default: kubernetes/deployment.yaml of the project)")
    Path deployment;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "The .env file the manifests' $VARIABLES come from (default: .env.prod of the project)")
    Path envFile;

    @Option(names = "--server-command", paramLabel = "COMMAND",
            description = "With --autoscale or --article: run this command line (by /bin/sh, exec) in each pod instead of todo-api's launcher, "
                    + "with todo-api's environment (SERVER_HOST, SERVER_PORT, METRICS_PORT, DB_*...); it must serve "
                    + "grpc.Todos and gRPC health on SERVER_PORT")
    String serverCommand;

    @Option(names = {"-u", "--users"}, paramLabel = "N",
            description = "Simulated users (default: 1000; --article: 10000)")
    Integer users;

    @Option(names = {"-r", "--spawn-rate"}, paramLabel = "R",
            description = "Users started per second (default: 100; --article: 1000)")
    Double spawnRate;

    @Option(names = {"-t", "--run-time"}, paramLabel = "D", description = "Run time (default: 60s; --article: 20m)")
    String runTime;

    @Option(names = "--wait-time", paramLabel = "W",
            description = "Wait between a user's calls: between:MIN:MAX, constant:D or constant-throughput:N "
                    + "(default: between:100ms:1000ms, as the original; --article: " + ARTICLE_WAIT + ")")
    String waitTime;

    @Option(names = "--channels", paramLabel = "C",
            description = "The load generator's connections: per-user or shared:N (default: per-user; with --autoscale "
                    + "shared:14, one connection to each pod per channel, as the article's 14 Locust workers)")
    String channels;

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
            if (e instanceof IOException || e instanceof UncheckedIOException) {
                cmd.getErr().println("experiment: " + e);
                return 1;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        ProjectLayout layout = new ProjectLayout(projectRoot());
        Optional<Experiment.Autoscaling> autoscaling = autoscaling(layout);
        Path reportDir = reports.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(FOLDER)).toAbsolutePath();
        Experiment experiment = new Experiment(layout, settings(reportDir, autoscaling), System.out);
        Thread hook = new Thread(experiment::stop, "experiment-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return experiment.run();
        } finally {
            experiment.stop();
        }
    }

    private Experiment.Settings settings(Path reportDir, Optional<Experiment.Autoscaling> autoscaling) {
        Experiment.StoreChoice store = mongoUri != null ? new Experiment.StoreChoice.ExternalMongo(mongoUri)
                : embeddedMongo || article ? new Experiment.StoreChoice.EmbeddedMongo() : new Experiment.StoreChoice.Memory();
        Experiment.Locust locustMode = locust ? new Experiment.Locust(python, "127.0.0.1", webPort, locustWorkers) : null;
        return new Experiment.Settings(replicas == null ? 2 : replicas, store, load(), warmUpCalls, reportDir,
                locustMode, podBudget(), autoscaling);
    }

    /**
     * The HPA and pods to rehearse: the project's manifests with the env file's values, or the article's
     * (its {@code kubectl autoscale --min=1 --max=10 --cpu-percent=80}, 100m/100Mi pods) on the project's
     * pod template; read before anything starts, so a manifest the rehearsal cannot follow ends it at once.
     */
    private Optional<Experiment.Autoscaling> autoscaling(ProjectLayout layout) {
        if (!autoscale && !article) {
            return Optional.empty();
        }
        EnvFile env = EnvFile.read(envFile != null ? envFile : layout.root().resolve(".env.prod"));
        Path deploymentFile = deployment != null ? deployment : layout.root().resolve("kubernetes/deployment.yaml");
        PodTemplate pod = Manifests.readPodTemplate(deploymentFile, env);
        if (article) {
            return Optional.of(new Experiment.Autoscaling(AutoscalerSpec.withDefaultBehavior(1, 10, 80),
                    pod.withResources(100, new PodBudget("100m", "100Mi")), Optional.ofNullable(serverCommand),
                    "the article's kubectl autoscale --min=1 --max=10 --cpu-percent=80 and 100m/100Mi pods, on "
                            + deploymentFile + " with " + env.path()));
        }
        Path hpaFile = hpa != null ? hpa : layout.root().resolve("kubernetes/hpa.yaml");
        return Optional.of(new Experiment.Autoscaling(Manifests.readAutoscaler(hpaFile, env), pod,
                Optional.ofNullable(serverCommand), hpaFile + " and " + deploymentFile + " with " + env.path()));
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

    /** The load generator's options, as handed to loadtest: the mode's defaults under the options given. */
    LoadProfile load() {
        boolean rehearsal = autoscale || article;
        return new LoadProfile(users != null ? users : article ? 10_000 : 1000,
                spawnRate != null ? spawnRate : article ? 1000 : 100,
                runTime != null ? runTime : article ? "20m" : "60s",
                waitTime != null ? waitTime : article ? ARTICLE_WAIT : "between:100ms:1000ms",
                tasks, deadline, channels != null ? channels : rehearsal ? AUTOSCALE_CHANNELS : null);
    }

    /** Rejects bad options before anything starts, with loadtest's rules for the options it is handed. */
    void validate() {
        podBudget();
        boolean rehearsal = autoscale || article;
        if (rehearsal && replicas != null) {
            throw new ExperimentException("--replicas does not go with " + (article ? "--article" : "--autoscale")
                    + ": the HPA's minReplicas start, and it scales them");
        }
        if (rehearsal && (podCpu != null || podMemory != null)) {
            throw new ExperimentException("--pod-cpu/--pod-memory do not go with " + (article ? "--article" : "--autoscale")
                    + ": the pods' limits come from the Deployment (or the article's 100m/100Mi)");
        }
        if (!rehearsal && serverCommand != null) {
            throw new ExperimentException("--server-command needs --autoscale or --article");
        }
        if (article && hpa != null) {
            throw new ExperimentException("--hpa does not go with --article, which rehearses the article's autoscaler");
        }
        if (replicas != null && replicas < 1) {
            throw new ExperimentException("--replicas must be at least 1, got " + replicas);
        }
        LoadProfile load = load();
        if (load.users() < 1) {
            throw new ExperimentException("--users must be at least 1, got " + load.users());
        }
        if (!(load.spawnRate() > 0)) {
            throw new ExperimentException("--spawn-rate must be above 0, got " + load.spawnRate());
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
        positiveDuration("--run-time", load.runTime());
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
