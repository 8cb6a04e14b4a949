package dev.todokube.api.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.testkit.mongo.InProcessMongo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code todo-api train}, the client side of the class/AOT cache's training run: it drives a running
 * service through a real channel with the whole call mix, leaves only the todos it seeded, and
 * rejects bad arguments.
 */
class TrainCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int train(String... args) {
        TrainCommand command = new TrainCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    @Test
    void drivesARunningServiceOnMongoAndLeavesOnlyTheTodosItSeeded() {
        try (InProcessMongo mongo = InProcessMongo.start();
             TestServer server = TestServer.start(Map.of("DB_TYPE", "mongo", "DB_URI", mongo.uri(), "DB_NAME", "scratch"))) {
            int exit = train("--target", "127.0.0.1:" + server.grpcPort(), "--metrics-port",
                    String.valueOf(server.metricsPort()), "--calls", "400");

            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("train: \\d+ calls, 10 todos at the end");
            assertThat(server.scrapeMetrics()).contains("method=\"UpdateTodo\"", "method=\"ListTodos\"", "method=\"Check\"");
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                assertThat(client.getDatabase("scratch").getCollection("todos").countDocuments())
                        .as("every todo the mix creates, it deletes; the 10 it seeded remain").isEqualTo(10);
            }
        }
    }

    @Test
    void badArgumentsAreOneClearErrorWithExitCode2() {
        assertThat(train("--target", "127.0.0.1:1", "--metrics-port", "2", "--calls", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("todo-api train: --calls must be at least 1, got 0");
        err.reset();
        assertThat(train("--target", "localhost", "--metrics-port", "2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("todo-api train: --target \"localhost\" is not HOST:PORT");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
