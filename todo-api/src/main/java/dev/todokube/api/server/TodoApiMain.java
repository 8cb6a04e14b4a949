package dev.todokube.api.server;

import dev.todokube.api.config.ApiConfig;
import dev.todokube.api.config.ConfigException;
import dev.todokube.api.config.ConfigLoader;
import dev.todokube.api.seed.SeedCommand;
import dev.todokube.api.training.TrainCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/**
 * {@code java -jar todo-api.jar} serves; {@code java -jar todo-api.jar seed [--file F]} seeds MongoDB;
 * {@code java -jar todo-api.jar train --target H:P --metrics-port M} is the client side of a
 * class/AOT cache's training run.
 * Exit codes: 0 success (also after a graceful SIGTERM drain), 1 runtime failure, 2 bad configuration.
 */
@Command(name = "todo-api", mixinStandardHelpOptions = true, versionProvider = TodoApiMain.Version.class,
        description = "The gRPC Todo service. With no command it serves; configuration comes from the environment, .env and config.yml.")
public final class TodoApiMain implements Callable<Integer> {

    private static final String SLF4J_PROVIDER = "slf4j.provider";

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final PrintStream err;

    TodoApiMain(Map<String, String> environment, Path workingDirectory, PrintStream err) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.err = err;
    }

    public static void main(String[] args) {
        // SLF4J finds its provider by ServiceLoader, a scan of the jar, unless it is named (then it
        // says so on stderr, unless its own messages are limited to warnings).
        if (System.getProperty(SLF4J_PROVIDER) == null) {
            System.setProperty(SLF4J_PROVIDER, "ch.qos.logback.classic.spi.LogbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> environment, Path workingDirectory, PrintStream out,
                   PrintStream err) {
        if (args.length == 0) {
            // Serving, the one case with no arguments, skips picocli: building its model from the
            // annotations costs about a third of a second of start-up on one core.
            try {
                return new TodoApiMain(environment, workingDirectory, err).call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        CommandLine commandLine = new CommandLine(new TodoApiMain(environment, workingDirectory, err))
                .addSubcommand("seed", new SeedCommand(environment, workingDirectory, out, err))
                .addSubcommand("train", new TrainCommand(out, err));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        ApiConfig config;
        try {
            config = ConfigLoader.load(environment, workingDirectory);
        } catch (ConfigException e) {
            err.println("todo-api: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM/INT ourselves (instead of a shutdown hook) lets a clean drain exit 0; the JVM's
        // default TERM handling exits 143 even after a clean drain. sun.misc.Signal is one of the
        // critical internal APIs JEP 260 keeps accessible (module jdk.unsupported) for this purpose.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        TodoApiServer server;
        try {
            server = TodoApiServer.start(config);
        } catch (ConfigException e) {
            err.println("todo-api: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("todo-api: cannot listen on " + config.serverHost() + ":" + config.serverPort()
                    + " or metrics " + config.metricsHost() + ":" + config.metricsPort() + ": " + e.getMessage());
            return 1;
        }
        stop.await();
        server.shutdown();
        return 0;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TodoApiMain.class.getPackage().getImplementationVersion();
            return new String[] {"todo-api " + (version == null ? "(unpackaged)" : version)};
        }
    }
}
