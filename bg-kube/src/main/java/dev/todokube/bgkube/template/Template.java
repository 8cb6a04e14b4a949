package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The text of one manifest template and the name it is reported under (usually its path). */
public record Template(String source, String text) {

    public Template {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
    }

    public static Template of(String source, String text) {
        return new Template(source, text);
    }

    public static Template load(Path file) {
        try {
            return new Template(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigurationException("cannot read template " + file + ": " + e.getMessage(), e);
        }
    }
}
