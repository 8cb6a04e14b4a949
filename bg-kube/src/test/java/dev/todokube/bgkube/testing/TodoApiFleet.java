package dev.todokube.bgkube.testing;

import dev.todokube.testkit.process.ProjectJars;
import dev.todokube.testkit.todoapi.TodoApiProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Four real todo-api processes for the analysis tests, started once per test run and shared by
 * every class that registers this extension (they are read-only to those tests; each analysis
 * diffs the counters over its own window): two healthy, one whose store takes 3 s per call, and one
 * that wants a token (AUTH_TOKENS is {@link #TOKEN}) and so rejects every call without it. Stopped
 * when the run ends.
 * {@code @RegisterExtension static final TodoApiFleet FLEET = new TodoApiFleet();}
 */
public final class TodoApiFleet implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TodoApiFleet.class);

    /** The one token {@link #locked()} accepts. */
    public static final String TOKEN = "fleet-t0ken-4f2a";

    private Processes processes;

    @Override
    public void beforeAll(ExtensionContext context) {
        processes = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Processes.class, k -> Processes.start(),
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

    /** Every call without {@link #TOKEN} is UNAUTHENTICATED. */
    public TodoApiProcess locked() {
        return processes.all().get("todo-api-locked");
    }

    /** Closed by JUnit with the root store, at the end of the run. */
    private record Processes(Map<String, TodoApiProcess> all) implements AutoCloseable {

        static Processes start() {
            try {
                return new Processes(TodoApiProcess.startAll(ProjectJars.todoApi(), Map.of(
                        "todo-api-healthy", Map.of(),
                        "todo-api-other", Map.of(),
                        "todo-api-slow", Map.of("MEMORY_STORE_DELAY", "3s"),
                        "todo-api-locked", Map.of("AUTH_TOKENS", TOKEN))));
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
