package dev.todokube.api.training;

import dev.todokube.api.config.ApiConfig;
import dev.todokube.api.config.ConfigException;
import dev.todokube.api.config.ConfigLoader;
import dev.todokube.api.server.TodoApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code todo-api train}: the training run of a class/AOT cache. It starts the real service on
 * loopback (memory store, then MongoDB when DB_URI is set) and drives a production-like call mix
 * through a real gRPC channel, so the JVM that runs it (with -XX:AOTCacheOutput or
 * -XX:ArchiveClassesAtExit) records the classes and the method profiles that serving needs. It
 * writes nothing but the cache the JVM writes at exit; the MongoDB database it uses is a scratch one.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Exercise the service on loopback for a class/AOT cache training run (memory store, and MongoDB when DB_URI is set).")
public final class TrainCommand implements Callable<Integer> {

    static final String SCRATCH_DATABASE = "todo_api_training";

    @Option(names = "--calls", paramLabel = "N", defaultValue = "20000",
            description = "Calls per store (default: ${DEFAULT-VALUE}).")
    private int calls;

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final PrintStream out;
    private final PrintStream err;

    public TrainCommand(Map<String, String> environment, Path workingDirectory, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (calls < 1) {
            err.println("todo-api train: --calls must be at least 1, got " + calls);
            return 2;
        }
        try {
            train(Map.of("DB_TYPE", "memory"));
            String mongoUri = environment.getOrDefault("DB_URI", "");
            if (!mongoUri.isBlank()) {
                train(Map.of("DB_TYPE", "mongo", "DB_URI", mongoUri, "DB_NAME", SCRATCH_DATABASE));
            }
            return 0;
        } catch (ConfigException e) {
            err.println("todo-api train: " + e.getMessage());
            return 2;
        } catch (IOException | CallMix.TrainingFailure e) {
            err.println("todo-api train: " + e.getMessage());
            return 1;
        }
    }

    private void train(Map<String, String> store) throws IOException, InterruptedException {
        Map<String, String> settings = new HashMap<>(store);
        settings.put("SERVER_HOST", "127.0.0.1");
        settings.put("SERVER_PORT", "0");
        settings.put("METRICS_HOST", "127.0.0.1");
        settings.put("METRICS_PORT", "0");
        ApiConfig config = ConfigLoader.load(settings, workingDirectory);
        TodoApiServer server = TodoApiServer.start(config);
        try {
            CallMix.Result result = CallMix.run("127.0.0.1", server.grpcPort(), server.metricsPort(), calls);
            out.printf("train: %s store: %d calls, %d todos at the end%n", config.storeType().label(),
                    result.calls(), result.todosAtEnd());
        } finally {
            server.shutdown();
        }
    }
}
