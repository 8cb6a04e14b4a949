package dev.todokube.experiment.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.todokube.experiment.ExperimentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * One object of a manifest file, read as the rehearsal needs it: fields by path, a value that is
 * a whole {@code $VAR} or {@code ${VAR}} taken from the env file, and every problem reported as
 * one line naming the file and the field.
 */
final class Manifest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z_]\\w*)}|([A-Za-z_]\\w*))");

    private final Path file;
    private final JsonNode object;
    private final EnvFile env;

    private Manifest(Path file, JsonNode object, EnvFile env) {
        this.file = file;
        this.object = object;
        this.env = env;
    }

    /** The first object of {@code kind} in the (possibly multi-document) file. */
    static Manifest read(Path file, String kind, EnvFile env) {
        if (!Files.isRegularFile(file)) {
            throw new ExperimentException(file + " does not exist");
        }
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && kind.equals(document.path("kind").asText())) {
                    return new Manifest(file, document, env);
                }
            }
        } catch (JsonProcessingException e) {
            throw notYaml(file, e);
        } catch (IOException e) {
            throw new ExperimentException("cannot read " + file + ": " + e.getMessage());
        }
        throw new ExperimentException(file + ": no " + kind + " in the file");
    }

    /** The parser's problem and its line, on one line (the YAML parser's own message spans several). */
    private static ExperimentException notYaml(Path file, JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            return new ExperimentException(file + ": not valid YAML: " + marked.getProblem() + " (line "
                    + (marked.getProblemMark().getLine() + 1) + ")");
        }
        return new ExperimentException(file + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }

    /** The node at a dotted path ({@code spec.metrics[0].type}); missing when any step is. */
    JsonNode node(String path) {
        JsonNode node = object;
        for (String step : path.split("\\.")) {
            int bracket = step.indexOf('[');
            if (bracket < 0) {
                node = node.path(step);
            } else {
                node = node.path(step.substring(0, bracket))
                        .path(Integer.parseInt(step.substring(bracket + 1, step.length() - 1)));
            }
        }
        return node;
    }

    boolean has(String path) {
        JsonNode node = node(path);
        return !node.isMissingNode() && !node.isNull();
    }

    /** A scalar, its {@code $VAR} resolved from the env file; empty when the field is absent. */
    Optional<String> text(String path) {
        JsonNode node = node(path);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isValueNode()) {
            throw problem(path, "expected a value, found " + node.getNodeType().toString().toLowerCase());
        }
        return Optional.of(resolve(path, node.asText()));
    }

    String requiredText(String path, String why) {
        return text(path).orElseThrow(() -> problem(path, "is missing (" + why + ")"));
    }

    OptionalInt integer(String path) {
        Optional<String> text = text(path);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.get().strip()));
        } catch (NumberFormatException e) {
            throw problem(path, "'" + text.get() + "' is not a whole number");
        }
    }

    int integer(String path, int otherwise) {
        return integer(path).orElse(otherwise);
    }

    int size(String path) {
        JsonNode node = node(path);
        return node.isArray() ? node.size() : 0;
    }

    ExperimentException problem(String path, String what) {
        return new ExperimentException(file + ": " + path + " " + what);
    }

    Path file() {
        return file;
    }

    private String resolve(String path, String value) {
        Matcher matcher = VARIABLE.matcher(value);
        if (!matcher.find()) {
            return value;
        }
        String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
        if (matcher.start() != 0 || matcher.end() != value.length()) {
            throw problem(path, "'" + value + "': the rehearsal takes a $VARIABLE only as the whole value");
        }
        return env.get(name).orElseThrow(() -> problem(path, "is $" + name + ", which has no value in "
                + env.path()));
    }
}
