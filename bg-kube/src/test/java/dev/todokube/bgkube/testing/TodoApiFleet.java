package dev.todokube.bgkube.testing;

import dev.todokube.testkit.process.ProjectJars;
import dev.todokube.testkit.todoapi.TodoApiProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Five real todo-api processes for the analysis tests, started once per test run and shared by
 * every class that registers this extension (they are read-only to those tests; each analysis
 * diffs the counters over its own window): two healthy, one whose store takes 3 s per call, and two
 * that want a token (AUTH_TOKENS is {@link #TOKEN}): one that no test sends it, so every call it ever
 * answered was refused (a watch counts a replica it has not seen before from zero, its whole past
 * included), and one that tests send it. Stopped when the run ends.
 * {@code @RegisterExtension static final TodoApiFleet FLEET = new TodoApiFleet();}
 *
 * <p>A class that runs beside the others ({@code @Execution(CONCURRENT)}) takes a fleet of its own,
 * {@code new TodoApiFleet("name")}: the watches count every call a process answers in their window,
 * so another class's load must not reach it.
 */
public final class TodoApiFleet implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TodoApiFleet.class);

    /** The one token {@link #locked()} accepts. */
    public static final String TOKEN = "fleet-t0ken-4f2a";

    private final String name;
    private Processes processes;

    /** The fleet the sequential classes share. */
    public TodoApiFleet() {
        this("shared");
    }

    /** The fleet of this name, started by the first class that asks for it. */
    public TodoApiFleet(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        processes = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(name, k -> Processes.start(),
                Processes.class);
    }

    public TodoApiProcess healthy() {
        return processes.all().get("todo-api-healthy");
    }

    public TodoApiProcess otherHealthy() {
        return processes.all().get("todo-api-other");
    }

    /** Every call waits 3 s in the store (MEMORY_STORE_DELAY). */
    public TodoApiProcess slow() {
        return processes.all().get("todo-api-slow");
    }

    /** Every call without {@link #TOKEN} is UNAUTHENTICATED, and no test sends it: all it answers is refusals. */
    public TodoApiProcess locked() {
        return processes.all().get("todo-api-locked");
    }

    /** Wants {@link #TOKEN} as {@link #locked()} does; the tests that send the token call this one. */
    public TodoApiProcess tokened() {
        return processes.all().get("todo-api-tokened");
    }

    /** Closed by JUnit with the root store, at the end of the run. */
    private record Processes(Map<String, TodoApiProcess> all) implements AutoCloseable {

        static Processes start() {
            try {
                return new Processes(TodoApiProcess.startAll(ProjectJars.todoApi(), Map.of(
                        "todo-api-healthy", Map.of(),
                        "todo-api-other", Map.of(),
                        "todo-api-slow", Map.of("MEMORY_STORE_DELAY", "3s"),
                        "todo-api-locked", Map.of("AUTH_TOKENS", TOKEN),
                        "todo-api-tokened", Map.of("AUTH_TOKENS", TOKEN))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting todo-api", e);
            } catch (IOException e) {
                throw new UncheckedIOException("todo-api did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            all.values().forEach(TodoApiProcess::close);
        }
    }
}
