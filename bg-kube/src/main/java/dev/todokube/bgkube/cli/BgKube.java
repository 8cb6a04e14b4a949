package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.BgKubeException;
import dev.todokube.bgkube.ClusterException;
import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.cluster.KubeCluster;
import dev.todokube.bgkube.config.Option;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.config.SettingsLoader;
import dev.todokube.bgkube.image.ContainerRegistry;
import dev.todokube.bgkube.image.DockerCliBuilder;
import dev.todokube.bgkube.image.ImageBuilder;
import dev.todokube.bgkube.image.JibBuilder;
import dev.todokube.bgkube.image.Registries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
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
                + "5 an analysis gate failed."})
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
        System.exit(commandLine(Toolbox.production(System.out, System.err)).execute(args));
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

    /** A connected cluster; the caller closes the client. */
    KubeCluster cluster(Settings settings, KubernetesClient client) {
        String namespace = settings.namespace()
                .orElseGet(() -> Optional.ofNullable(client.getNamespace()).orElse("default"));
        return new KubeCluster(client, namespace, toolbox.podExec().apply(client), toolbox.portForwarder().apply(client),
                toolbox.out()::println, toolbox.pollInterval());
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
