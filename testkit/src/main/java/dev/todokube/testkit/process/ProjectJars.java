package dev.todokube.testkit.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runnable jars other modules package, for tests that run them as processes. The project root
 * comes from the {@code project.root} system property (Surefire sets it), else the parent of the
 * working directory; the reactor must have packaged the module before the test runs.
 */
public final class ProjectJars {

    private ProjectJars() {
    }

    public static Path todoApi() {
        return require("todo-api/target/todo-api.jar");
    }

    public static Path loadtest() {
        return require("loadtest/target/loadtest.jar");
    }

    /** A file of the project by its path from the root; fails with how to build it when missing. */
    public static Path require(String relative) {
        String root = System.getProperty("project.root");
        Path file = (root != null ? Path.of(root) : Path.of("..")).resolve(relative).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing " + file + ": this test runs the packaged module as a process; "
                    + "run it through the reactor (mvn -B verify) or package first (mvn -B package -DskipTests)");
        }
        return file;
    }
}
