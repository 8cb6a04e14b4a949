package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.Analyzer;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Option;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.config.SettingsLoader;
import dev.todokube.bgkube.deploy.Publisher;
import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.deploy.ServiceManifests;
import dev.todokube.bgkube.image.ContainerRegistry;
import dev.todokube.bgkube.image.DockerCliBuilder;
import dev.todokube.bgkube.image.ImageBuilder;
import dev.todokube.bgkube.image.JibBuilder;
import dev.todokube.bgkube.image.Registries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The bg-kube command line: global options, then a command. */
@Command(
        name = "bg-kube",
        mixinStandardHelpOptions = true,
        versionProvider = BgKube.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Blue/green deployments to Kubernetes. Every option can also be set in the env file under its "
                + "upper-case name (IMAGE_NAME for --image-name); a flag wins over the file.",
        subcommands = {
                PublishCommand.class, RollbackCommand.class, BuildCommand.class, PushCommand.class, StatusCommand.class,
                RenderCommand.class, PromoteCommand.class, AbortCommand.class, AnalyzeCommand.class},
        footer = {"", "Exit codes: 0 success, 2 bad configuration or usage, 3 cluster failure, 4 smoke tests failed, "
                + "5 an analysis gate failed, 130 (143) stopped by SIGINT (SIGTERM) after undoing the release."})
public final class BgKube {

    private static final int MAX_MESSAGE = 4000;

    private final Toolbox toolbox;

    @CommandLine.Option(names = {"-e", "--env-file"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The .env file with the options and the template variables (e.g. .env.prod).")
    Path envFile;

    @CommandLine.Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandSpec spec;

    BgKube(Toolbox toolbox) {
        this.toolbox = toolbox;
    }

    public static void main(String[] args) {
        System.exit(run(Toolbox.production(System.out, System.err), args));
    }

    /**
     * Runs the command line in this thread. A SIGINT or SIGTERM meanwhile does not end the process in
     * the middle of a step: it stops the command, which undoes its half-done release and releases its
     * lease, and the process exits once that is done (exit code 130 or 143, as the JVM gives for the
     * signal). A second signal changes nothing; SIGKILL stops at once, and the next command finds the
     * release's record.
     */
    public static int run(Toolbox toolbox, String[] args) {
        CountDownLatch finished = new CountDownLatch(1);
        toolbox.stop().workOn(Thread.currentThread());
        Thread onSignal = new Thread(() -> {
            if (finished.getCount() == 0) {
                return;
            }
            toolbox.err().println("bg-kube: stopping on SIGINT or SIGTERM: undoing what the running command started "
                    + "(SIGKILL stops at once; bg-kube status then shows what was left)");
            toolbox.stop().request("SIGINT or SIGTERM");
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bg-kube-stop");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            return commandLine(toolbox).execute(args);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // The signal's hook runs now and returns at once: the command is done.
            }
        }
    }

    /** The command line with its options and error handling, ready to {@code execute(args)}. */
    public static CommandLine commandLine(Toolbox toolbox) {
        BgKube root = new BgKube(toolbox);
        CommandLine commandLine = new CommandLine(root);
        for (Option option : Option.values()) {
            String[] names = option.shortFlag().map(s -> new String[] {s, option.flag()}).orElse(new String[] {option.flag()});
            commandLine.getCommandSpec().addOption(OptionSpec.builder(names)
                    .paramLabel(option.label())
                    .scopeType(ScopeType.INHERIT)
                    .type(String.class)
                    .description(option.description() + " [" + option.envName()
                            + option.defaultValue().map(d -> d.isEmpty() ? "" : "; default " + d).orElse("")
                            + (option.required() ? "; required" : "") + "]")
                    .build());
        }
        AnalyzeCommand.addKeyOptions(commandLine.getSubcommands().get("analyze").getCommandSpec());
        commandLine.setOut(new PrintWriter(toolbox.out(), true));
        commandLine.setErr(new PrintWriter(toolbox.err(), true));
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> root.report(e));
        commandLine.setParameterExceptionHandler((e, args) -> {
            toolbox.err().println("bg-kube: " + oneLine(e.getMessage()) + " (see "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return ConfigurationException.EXIT_CODE;
        });
        return commandLine;
    }

    Toolbox toolbox() {
        return toolbox;
    }

    /** Settings from the flags given before the command and the env file. */
    Settings settings() {
        // Options may come before the command or, as with the original bg-kube, after it.
        Map<Option, String> flags = new EnumMap<>(Option.class);
        for (ParseResult parsed = spec.commandLine().getParseResult(); parsed != null; parsed = parsed.subcommand()) {
            for (Option option : Option.values()) {
                if (parsed.hasMatchedOption(option.flag())) {
                    flags.put(option, parsed.matchedOptionValue(option.flag(), ""));
                }
            }
        }
        return SettingsLoader.load(flags, Optional.ofNullable(envFile));
    }

    ImageBuilder imageBuilder(Settings settings) {
        ContainerRegistry registry = Registries.resolve(settings.containerRegistry());
        return switch (settings.builder()) {
            case DOCKER -> new DockerCliBuilder(settings.buildContext(), settings.dockerfile(), settings.dockerBuildArgs(),
                    settings.dockerMachineName(), settings.minikubeProfile(), registry, settings.clusterZone(),
                    toolbox.commands(), settings.commandTimeout(),
                    toolbox.out()::println);
            case JIB -> new JibBuilder(settings.jibApp().orElseThrow(), settings.jibLibs(), settings.jibMainClass(),
                    settings.jibLauncher(), settings.jibBaseImage(), registry,
                    settings.insecureRegistry(), settings.buildContext().resolve("target").resolve("bg-kube"),
                    toolbox.jibCache(), toolbox.out()::println);
        };
    }

    /** The publisher of releases for the settings; the analyzer only when the settings ask for an analysis. */
    Publisher publisher(Settings settings, ServiceManifests manifests, Optional<ImageBuilder> builder) {
        Optional<Analyzer> analyzer = settings.analysis().enabled()
                ? Optional.of(new Analyzer(LoadtestJars.resolve(settings.analysis()), toolbox.out()::println))
                : Optional.empty();
        return new Publisher(settings, manifests, new Release.Tools(builder, toolbox.commands(), analyzer, toolbox.clock(),
                toolbox.out()::println), toolbox.sleeper(), toolbox.stop());
    }

    /** A connected cluster; the caller closes the client. */
    KubeCluster cluster(Settings settings, KubernetesClient client) {
        return cluster(settings, client, toolbox.timing().apiRetryWindow());
    }

    /** A connected cluster for a dry run: an API server that does not answer is reported at once, not retried. */
    KubeCluster quickCluster(Settings settings, KubernetesClient client) {
        return cluster(settings, client, Duration.ZERO);
    }

    private KubeCluster cluster(Settings settings, KubernetesClient client, Duration apiRetryWindow) {
        String namespace = settings.namespace()
                .orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
        return new KubeCluster(client, namespace, toolbox.podExec().apply(client), toolbox.portForwarder().apply(client),
                toolbox.out()::println, toolbox.timing().pollInterval(), apiRetryWindow, toolbox.clock());
    }

    private int report(Exception e) {
        int exitCode;
        String message;
        if (e instanceof BgKubeException failure) {
            exitCode = failure.exitCode();
            message = failure.getMessage();
        } else if (e instanceof KubernetesClientException k8s) {
            exitCode = ClusterException.EXIT_CODE;
            message = "Kubernetes API error: " + ClusterErrors.describe(k8s);
        } else {
            exitCode = 1;
            message = "unexpected error: " + e;
        }
        toolbox.err().println("bg-kube: " + oneLine(message));
        if (verbose) {
            e.printStackTrace(toolbox.err());
        }
        return exitCode;
    }

    /**
     * Errors are one line: control characters (from a garbage env file, or a command's output
     * quoted in the message) would break it up, so they are shown escaped; very long ones are cut.
     */
    private static String oneLine(String message) {
        StringBuilder line = new StringBuilder();
        String text = String.valueOf(message);
        for (int i = 0; i < text.length() && line.length() < MAX_MESSAGE; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line.append(" | ");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.length() >= MAX_MESSAGE ? line + "..." : line.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BgKube.class.getPackage().getImplementationVersion();
            return new String[] {"bg-kube " + (version == null ? "(development build)" : version)};
        }
    }
}
