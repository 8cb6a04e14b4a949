package dev.todokube.api.seed;

import dev.todokube.api.config.ApiConfig;
import dev.todokube.api.config.ConfigException;
import dev.todokube.api.config.ConfigLoader;
import dev.todokube.api.store.MongoTodoStore;
import dev.todokube.api.store.TodoException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code todo-api seed [--file F]}: inserts todos into MongoDB (DB_URI or DB_HOST/DB_PORT, DB_NAME),
 * idempotently. Always targets MongoDB, whatever DB_TYPE says: the memory store needs no seeding.
 */
@Command(name = "seed", mixinStandardHelpOptions = true,
        description = "Insert todos from a JSON or YAML file into MongoDB; running it again inserts nothing new.")
public final class SeedCommand implements Callable<Integer> {

    @Option(names = "--file", paramLabel = "FILE",
            description = "A .json or .yaml list of {title, tag, priority, id?}; default: the built-in seed.")
    private Path file;

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final PrintStream out;
    private final PrintStream err;

    public SeedCommand(Map<String, String> environment, Path workingDirectory, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        ApiConfig config;
        List<SeedItem> items;
        try {
            config = ConfigLoader.load(environment, workingDirectory);
            items = file == null ? SeedFile.builtIn() : SeedFile.read(workingDirectory.resolve(file));
        } catch (ConfigException | SeedFileException e) {
            err.println("todo-api seed: " + e.getMessage());
            return 2;
        }
        String target = config.dbName() + "." + MongoTodoStore.COLLECTION + " at " + config.maskedMongoUri();
        try (MongoTodoStore store = MongoTodoStore.connect(config.mongoUri(), config.maskedMongoUri(),
                config.dbName(), config.dbTimeout(), 2)) {
            Seeder.join(store.ensureIndex());
            Seeder.SeedResult result = new Seeder(store).seed(items);
            out.printf("seed: %d inserted, %d already present (%s)%n", result.inserted(), result.alreadyPresent(), target);
            return 0;
        } catch (TodoException e) {
            err.println("todo-api seed: " + e.getMessage());
            return 1;
        }
    }
}
