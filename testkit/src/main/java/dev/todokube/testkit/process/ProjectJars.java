package dev.todokube.testkit.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runnable jars and scripts other modules package, for tests that run them as processes. The
 * project root comes from the {@code project.root} system property (Surefire sets it), else the
 * parent of the working directory; the reactor must have packaged the module before the test runs.
 */
public final class ProjectJars {

    private ProjectJars() {
    }

    public static Path root() {
        String root = System.getProperty("project.root");
        return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
    }

    public static Path todoApi() {
        return require("todo-api/target/todo-api.jar");
    }

    /** todo-api's launcher, which runs the packaged jar beside it as the images do. */
    public static Path todoApiLauncher() {
        todoApi();
        return require("todo-api/bin/todo-api");
    }

    public static Path loadtest() {
        return require("loadtest/target/loadtest.jar");
    }

    public static Path bgKube() {
        return require("bg-kube/target/bg-kube.jar");
    }

    public static Path locustfile() {
        return require("loadtest/locustfile.py");
    }

    /** A file of the project by its path from the root; fails with how to build it when missing. */
    public static Path require(String relative) {
        Path file = root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing " + file + ": this test runs the packaged module as a process; "
                    + "run it through the reactor (mvn -B verify) or package first (mvn -B package -DskipTests)");
        }
        return file;
    }
}
