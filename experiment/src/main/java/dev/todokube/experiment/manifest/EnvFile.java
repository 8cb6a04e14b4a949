package dev.todokube.experiment.manifest;

import dev.todokube.experiment.ExperimentException;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code .env} file whose values fill the manifests' {@code $VARIABLES}, as bg-kube renders them. */
public record EnvFile(Path path, Map<String, String> values) {

    public EnvFile {
        values = Map.copyOf(values);
    }

    /** Reads {@code KEY=VALUE} lines (the same dotenv library bg-kube and todo-api read them with). */
    public static EnvFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ExperimentException("env file " + path + " does not exist");
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            Dotenv dotenv = Dotenv.configure().directory(parent.toString()).filename(path.getFileName().toString())
                    .load();
            Map<String, String> values = new HashMap<>();
            for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
                values.put(entry.getKey(), entry.getValue());
            }
            return new EnvFile(path, values);
        } catch (DotenvException e) {
            throw new ExperimentException("env file " + path + ": " + e.getMessage());
        }
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
