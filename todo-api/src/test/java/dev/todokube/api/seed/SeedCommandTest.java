package dev.todokube.api.seed;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.todokube.testkit.mongo.InProcessMongo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SeedCommandTest {

    @TempDir
    Path dir;

    private InProcessMongo mongo;
    private MongoClient client;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        mongo = InProcessMongo.start();
        client = MongoClients.create(mongo.uri());
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void builtInSeedTwiceInsertsOnce() {
        assertThat(seed()).isZero();
        assertThat(seed()).isZero();

        assertThat(stdout()).containsSubsequence(
                "seed: 1 inserted, 0 already present (TodosDB.todos at " + mongo.uri() + ")",
                "seed: 0 inserted, 1 already present");
        List<Document> documents = todos().find().into(new ArrayList<>());
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0).get("_id")).isInstanceOf(ObjectId.class);
        assertThat(documents.get(0).getString("title")).isEqualTo("Add my todos");
        assertThat(documents.get(0).getString("tag")).isEqualTo("default");
        assertThat(documents.get(0).getInteger("priority")).isEqualTo(1);
    }

    @Test
    void yamlAndJsonFilesWithAndWithoutIdsAreIdempotent() throws IOException {
        Files.writeString(dir.resolve("todos.yaml"), """
                - {title: Water plants, tag: home, priority: 2}
                - {id: 65a1b2c3d4e5f60718293a4b, title: Pay rent, tag: home, priority: 9}
                """);
        Files.writeString(dir.resolve("todos.json"), """
                [{"title": "Water plants", "tag": "home", "priority": 2},
                 {"title": "Call mum", "tag": "family"}]
                """);

        assertThat(seed("--file", "todos.yaml")).isZero();
        assertThat(seed("--file", "todos.yaml")).isZero();
        assertThat(seed("--file", "todos.json")).isZero();

        assertThat(stdout()).containsSubsequence("seed: 2 inserted, 0 already present",
                "seed: 0 inserted, 2 already present", "seed: 1 inserted, 1 already present");
        assertThat(todos().countDocuments()).isEqualTo(3);
        Document rent = todos().find(new Document("_id", new ObjectId("65a1b2c3d4e5f60718293a4b"))).first();
        assertThat(rent).isNotNull();
        assertThat(rent.getString("title")).isEqualTo("Pay rent");
    }

    @Test
    void invalidItemIsReportedWithFileAndItemAndNothingIsWritten() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "- {title: ok, tag: a, priority: 1}\n- {title: too high, tag: a, priority: 11}\n");

        assertThat(seed("--file", "bad.yaml")).isEqualTo(2);

        assertThat(stderr().trim()).isEqualTo("todo-api seed: seed file " + dir.resolve("bad.yaml")
                + ": item 2: priority: must be between 0 and 10, got 11");
        assertThat(todos().countDocuments()).isZero();
    }

    @Test
    void malformedFileIsReportedWithLine() throws IOException {
        Files.writeString(dir.resolve("broken.json"), "[{\"title\": \"a\",\n \"tag\": }]");

        assertThat(seed("--file", "broken.json")).isEqualTo(2);

        assertThat(stderr()).startsWith("todo-api seed: seed file " + dir.resolve("broken.json") + ": line 2: ");
    }

    @Test
    void unreachableMongoIsExitOne() {
        mongo.stop();

        assertThat(new CommandLine(new SeedCommand(Map.of("DB_URI", mongo.uri(), "DB_TIMEOUT", "500ms"), dir,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute()).isEqualTo(1);
        assertThat(stderr()).contains("unavailable");
    }

    private int seed(String... args) {
        SeedCommand command = new SeedCommand(Map.of("DB_URI", mongo.uri()), dir,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    private MongoCollection<Document> todos() {
        return client.getDatabase("TodosDB").getCollection("todos");
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
