package dev.todokube.experiment;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built jars and the locustfile are, relative to the project's root directory. */
record ProjectLayout(Path root) {

    ProjectLayout {
        root = root.toAbsolutePath().normalize();
    }

    Path todoApiJar() {
        return root.resolve("todo-api/target/todo-api.jar");
    }

    /** todo-api's launcher: starts the service as the container images do. */
    Path todoApiLauncher() {
        return root.resolve("todo-api/bin/todo-api");
    }

    /** Runs a command inside a pod's CPU quota and memory limit. */
    Path podBudgetTool() {
        return root.resolve("bench/in-pod-budget");
    }

    Path loadtestJar() {
        return root.resolve("loadtest/target/loadtest.jar");
    }

    Path locustfile() {
        return root.resolve("loadtest/locustfile.py");
    }

    /** Fails with one clear line when a file the experiment needs is missing. */
    static Path require(Path file, String hint) {
        if (!Files.isRegularFile(file)) {
            throw new ExperimentException("missing " + file + " (" + hint + ")");
        }
        return file;
    }
}
