package dev.todokube.api.seed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.todokube.api.store.TodoException;
import dev.todokube.api.store.TodoFields;
import dev.todokube.api.store.TodoId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads seed todos: a JSON (.json) or YAML (anything else) list of {@code {title, tag, priority, id?}}.
 * Every item is validated with the service's own rules before anything is written.
 */
public final class SeedFile {

    private static final String DEFAULT_RESOURCE = "/seed/default-todos.yaml";
    private static final Set<String> FIELDS = Set.of("id", "title", "tag", "priority");

    private SeedFile() {
    }

    public static List<SeedItem> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SeedFileException("seed file " + file + ": no such file", null);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(json ? new JsonMapper() : new YAMLMapper(), in, "seed file " + file);
        } catch (IOException e) {
            throw new SeedFileException("seed file " + file + ": cannot read: " + e, e);
        }
    }

    /** The built-in seed: the original's {title "Add my todos", tag "default", priority 1}. */
    public static List<SeedItem> builtIn() {
        try (InputStream in = SeedFile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULT_RESOURCE + " missing from the jar");
            }
            return parse(new YAMLMapper(), in, "built-in seed " + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new SeedFileException("built-in seed: cannot read: " + e, e);
        }
    }

    private static List<SeedItem> parse(ObjectMapper mapper, InputStream in, String where) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(in);
        } catch (JsonProcessingException e) {
            throw new SeedFileException(where + ": line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new SeedFileException(where + ": expected a list of {title, tag, priority, id?}", null);
        }
        List<SeedItem> items = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            String item = where + ": item " + (i + 1);
            try {
                items.add(item(root.get(i), item));
            } catch (TodoException.InvalidArgument e) {
                throw new SeedFileException(item + ": " + e.getMessage(), e);
            }
        }
        return items;
    }

    private static SeedItem item(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new SeedFileException(where + ": expected a mapping {title, tag, priority, id?}", null);
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new SeedFileException(where + ": unknown field '" + name + "'; expected id, title, tag, priority", null);
            }
        }
        JsonNode priority = node.path("priority");
        if (!priority.isMissingNode() && !priority.canConvertToExactIntegral()) {
            throw new SeedFileException(where + ": priority: must be an integer, got " + priority, null);
        }
        Optional<TodoId> id = node.hasNonNull("id") ? Optional.of(TodoId.parse("id", text(node, "id", where)))
                : Optional.empty();
        return new SeedItem(id, new TodoFields(text(node, "title", where), text(node, "tag", where),
                priority.isMissingNode() ? 0 : priority.asInt()));
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (!value.isValueNode() || value.isBoolean()) {
            throw new SeedFileException(where + ": " + field + ": must be a string", null);
        }
        return value.asText();
    }
}
