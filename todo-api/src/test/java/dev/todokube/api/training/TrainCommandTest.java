package dev.todokube.api.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.todokube.testkit.mongo.InProcessMongo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code todo-api train}, the training run of the class/AOT cache: it drives the real service
 * through a real channel on both stores, writes only to its scratch database, and rejects a bad
 * call count.
 */
class TrainCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int train(Map<String, String> env, String... args) {
        TrainCommand command = new TrainCommand(env, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    @Test
    void exercisesBothStoresAndWritesOnlyToTheScratchDatabase() {
        try (InProcessMongo mongo = InProcessMongo.start()) {
            int exit = train(Map.of("DB_URI", mongo.uri()), "--calls", "400");

            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .containsPattern("train: memory store: \\d+ calls")
                    .containsPattern("train: mongo store: \\d+ calls, 10 todos at the end");
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                assertThat(client.listDatabaseNames()).contains(TrainCommand.SCRATCH_DATABASE).doesNotContain("TodosDB");
                assertThat(client.getDatabase(TrainCommand.SCRATCH_DATABASE).getCollection("todos").countDocuments())
                        .as("every todo the mix creates, it deletes; the 10 it seeded remain").isEqualTo(10);
            }
        }
    }

    @Test
    void aCallCountBelowOneIsAClearErrorWithExitCode2() {
        assertThat(train(Map.of(), "--calls", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("todo-api train: --calls must be at least 1, got 0");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
