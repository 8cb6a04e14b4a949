package dev.todokube.api.store;

import static dev.todokube.api.fixtures.StoreAnswers.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.todokube.api.fixtures.StoreOnEventLoop;
import dev.todokube.testkit.mongo.InProcessMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MongoDB store against mongo-java-server in-process (no MongoDB server can be installed here). */
class MongoTodoStoreTest {

    private InProcessMongo mongo;
    private StoreOnEventLoop onEventLoop;
    private MongoTodoStore store;

    @BeforeEach
    void start() {
        mongo = InProcessMongo.start();
        onEventLoop = new StoreOnEventLoop(mongo.uri(), Duration.ofSeconds(2));
        store = onEventLoop.store();
    }

    @AfterEach
    void stop() {
        onEventLoop.close();
        mongo.close();
    }

    @Test
    void servesDocumentsWrittenTheWayTheOriginalWroteThem() {
        ObjectId id = new ObjectId();
        try (MongoClient client = MongoClients.create(mongo.uri())) {
            // The Go original stored priority as a 64-bit integer.
            client.getDatabase("TodosDB").getCollection("todos")
                    .insertOne(new Document("_id", id).append("title", "Add my todos").append("tag", "default")
                            .append("priority", 1L));
        }

        assertThat(answer(store.all())).containsExactly(new Todo(TodoId.of(id), "Add my todos", "default", 1));
    }

    @Test
    void readsLooselyTypedDocumentsLikeTheGenericReaderDid() {
        ObjectId doubled = new ObjectId();
        ObjectId sparse = new ObjectId();
        ObjectId odd = new ObjectId();
        try (MongoClient client = MongoClients.create(mongo.uri())) {
            client.getDatabase("TodosDB").getCollection("todos").insertMany(List.of(
                    new Document("_id", doubled).append("title", "doubled").append("tag", "t").append("priority", 3.9)
                            .append("extra", new Document("nested", List.of(1, 2))),
                    new Document("_id", sparse),
                    new Document("_id", odd).append("title", 42).append("tag", null).append("priority", "high")));
        }

        assertThat(answer(store.all())).containsExactly(
                new Todo(TodoId.of(doubled), "doubled", "t", 3),
                new Todo(TodoId.of(sparse), "", "", 0),
                new Todo(TodoId.of(odd), "42", "", 0));
        assertThat(answer(store.get(TodoId.of(doubled))).priority()).isEqualTo(3);
    }

    /** Server error documents with the codes MongoDB sends, through the driver's own exception type. */
    @Test
    void serverErrorsTranslateByCause() {
        assertThat(translated(121, "DocumentValidationFailure")).isInstanceOf(TodoException.Rejected.class);
        assertThat(translated(2, "BadValue")).isInstanceOf(TodoException.Rejected.class);
        assertThat(translated(13, "Unauthorized")).isInstanceOf(TodoException.NotPermitted.class);
        assertThat(translated(11000, "DuplicateKey")).isInstanceOf(TodoException.AlreadyExists.class);
        assertThat(translated(11602, "InterruptedDueToReplStateChange")).isInstanceOf(TodoException.StoreUnavailable.class);
        assertThat(translated(91, "ShutdownInProgress")).isInstanceOf(TodoException.StoreUnavailable.class)
                .hasMessageStartingWith("MongoDB " + mongo.uri() + "/TodosDB unavailable: MongoCommandException");
    }

    private TodoException translated(int code, String codeName) {
        BsonDocument reply = BsonDocument.parse("{ok: 0, errmsg: 'refused', code: " + code + ", codeName: '" + codeName + "'}");
        return store.translate(new MongoCommandException(reply, new ServerAddress("127.0.0.1", mongo.port())));
    }

    @Test
    void writesDocumentsInTheOriginalShape() {
        Todo created = answer(store.create(new TodoFields("Buy milk", "home", 2)));

        try (MongoClient client = MongoClients.create(mongo.uri())) {
            Document document = client.getDatabase("TodosDB").getCollection("todos").find().first();
            assertThat(document).isNotNull();
            assertThat(document.get("_id")).isEqualTo(new ObjectId(created.id().hex()));
            assertThat(document.keySet()).containsExactly("_id", "title", "tag", "priority");
            assertThat(document.getString("title")).isEqualTo("Buy milk");
            assertThat(document.getString("tag")).isEqualTo("home");
            assertThat(document.getInteger("priority")).isEqualTo(2);
        }
    }

    @Test
    void crud() {
        Todo created = answer(store.create(new TodoFields("Buy milk", "home", 2)));

        assertThat(answer(store.get(created.id()))).isEqualTo(created);
        Todo updated = answer(store.update(created.id(), new TodoPatch(Optional.empty(), Optional.of("shop"), Optional.of(5))));
        assertThat(updated).isEqualTo(new Todo(created.id(), "Buy milk", "shop", 5));
        assertThat(answer(store.update(created.id(), new TodoPatch(Optional.empty(), Optional.empty(), Optional.empty()))))
                .isEqualTo(updated);
        answer(store.delete(created.id()));
        assertThatThrownBy(() -> answer(store.get(created.id()))).isInstanceOf(TodoException.NotFound.class);
        assertThatThrownBy(() -> answer(store.delete(created.id()))).isInstanceOf(TodoException.NotFound.class);
        assertThatThrownBy(() -> answer(store.update(created.id(), new TodoPatch(Optional.of("x"), Optional.empty(), Optional.empty()))))
                .isInstanceOf(TodoException.NotFound.class);
    }

    @Test
    void listPagesByTagInIdOrder() {
        List<TodoId> tagged = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tagged.add(answer(store.create(new TodoFields("t" + i, "x", 0))).id());
            answer(store.create(new TodoFields("u" + i, "y", 0)));
        }

        Page first = answer(store.list(PageRequest.parse("x", 2, "")));
        Page second = answer(store.list(PageRequest.parse("x", 2, first.nextPageToken().orElseThrow())));
        Page third = answer(store.list(PageRequest.parse("x", 2, second.nextPageToken().orElseThrow())));

        List<TodoId> seen = new ArrayList<>();
        for (Page page : List.of(first, second, third)) {
            page.todos().forEach(todo -> seen.add(todo.id()));
        }
        assertThat(seen).containsExactlyElementsOf(tagged);
        assertThat(third.nextPageToken()).isEmpty();
        assertThat(answer(store.list(PageRequest.parse("", 0, ""))).todos()).hasSize(10);
    }

    @Test
    void prepareCreatesTheListIndex() {
        answer(store.prepare());

        try (MongoClient client = MongoClients.create(mongo.uri())) {
            MongoCollection<Document> todos = client.getDatabase("TodosDB").getCollection("todos");
            List<Document> keys = new ArrayList<>();
            todos.listIndexes().forEach(index -> keys.add(index.get("key", Document.class)));
            assertThat(keys).contains(new Document("tag", 1).append("_id", 1));
        }
    }

    @Test
    void outageFailsFastAsUnavailableAndRecoversWithoutANewClient() {
        Todo created = answer(store.create(new TodoFields("survives", "outage", 1)));

        mongo.stop();
        long start = System.nanoTime();
        assertThatThrownBy(() -> answer(store.get(created.id())))
                .isInstanceOf(TodoException.StoreUnavailable.class)
                .hasMessageContaining("MongoDB " + mongo.uri() + "/TodosDB unavailable");
        // Upper bound only: DB_TIMEOUT (2 s) plus generous slack, never a hang.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThatThrownBy(() -> answer(store.ping())).isInstanceOf(TodoException.StoreUnavailable.class);

        mongo.restart();
        assertThat(answer(store.get(created.id()))).isEqualTo(created);
    }
}
