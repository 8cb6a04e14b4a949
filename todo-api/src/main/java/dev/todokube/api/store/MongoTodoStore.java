package dev.todokube.api.store;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Todos in MongoDB, collection {@code todos}, documents {@code {_id: ObjectId, title, tag, priority}}
 * exactly as the original service stored them. Every driver timeout is the configured DB_TIMEOUT, so
 * a call fails with StoreUnavailable instead of hanging while MongoDB is down; the driver's monitor
 * reconnects by itself when it returns. Calls block: run them off the transport threads.
 */
public final class MongoTodoStore implements TodoStore {

    public static final String COLLECTION = "todos";
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(2);

    // MongoDB's error codes (src/mongo/base/error_codes.yml in the server's source).
    private static final int UNAUTHORIZED = 13;
    private static final int AUTHENTICATION_FAILED = 18;
    // Errors that a retry, on this node or another, can get past: host unreachable or not found,
    // time limits, a node shutting down, stepping down or recovering, a socket error.
    private static final Set<Integer> TRANSIENT_CODES = Set.of(6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602,
            13435, 13436);
    private static final Bson ALL = new BsonDocument();
    private static final Bson BY_ID = Sorts.ascending("_id");

    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<Document> todos;
    private final MongoCollection<Todo> typedTodos;
    private final String description;
    private final AtomicBoolean indexed = new AtomicBoolean();

    private MongoTodoStore(MongoClient client, String dbName, String description) {
        this.client = client;
        this.database = client.getDatabase(dbName);
        this.todos = database.getCollection(COLLECTION);
        CodecRegistry defaults = MongoClientSettings.getDefaultCodecRegistry();
        this.typedTodos = todos.withDocumentClass(Todo.class)
                .withCodecRegistry(CodecRegistries.fromRegistries(CodecRegistries.fromCodecs(new TodoCodec(defaults)), defaults));
        this.description = description;
    }

    /**
     * Creates the client; does not wait for MongoDB (it may be down now and come up later).
     *
     * @param maskedUri the URI without password, for error messages
     */
    public static MongoTodoStore connect(String uri, String maskedUri, String dbName, Duration timeout, int poolSize) {
        long timeoutMs = timeout.toMillis();
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applicationName("todo-api")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(b -> b.maxSize(poolSize).maxWaitTime(timeoutMs, TimeUnit.MILLISECONDS))
                // Notice a returning server soon; the driver's default (10 s) keeps health red for longer.
                .applyToServerSettings(b -> b.heartbeatFrequency(
                        Math.min(MAX_HEARTBEAT.toMillis(), Math.max(500, timeoutMs)), TimeUnit.MILLISECONDS))
                .build();
        return new MongoTodoStore(MongoClients.create(settings), dbName, maskedUri + "/" + dbName);
    }

    @Override
    public Todo create(TodoFields fields) {
        Todo todo = Todo.of(TodoId.of(new ObjectId()), fields);
        call(() -> typedTodos.insertOne(todo));
        return todo;
    }

    @Override
    public Todo get(TodoId id) {
        Todo todo = call(() -> typedTodos.find(byId(id)).first());
        if (todo == null) {
            throw new TodoException.NotFound(id);
        }
        return todo;
    }

    @Override
    public Todo update(TodoId id, TodoPatch patch) {
        if (patch.isEmpty()) {
            return get(id);
        }
        List<Bson> sets = new ArrayList<>();
        patch.title().ifPresent(title -> sets.add(Updates.set("title", title)));
        patch.tag().ifPresent(tag -> sets.add(Updates.set("tag", tag)));
        patch.priority().ifPresent(priority -> sets.add(Updates.set("priority", priority)));
        Todo updated = call(() -> typedTodos.findOneAndUpdate(byId(id), Updates.combine(sets),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
        if (updated == null) {
            throw new TodoException.NotFound(id);
        }
        return updated;
    }

    @Override
    public void delete(TodoId id) {
        long deleted = call(() -> todos.deleteOne(byId(id)).getDeletedCount());
        if (deleted == 0) {
            throw new TodoException.NotFound(id);
        }
    }

    @Override
    public List<Todo> all() {
        return call(() -> typedTodos.find(ALL).sort(BY_ID).into(new ArrayList<>()));
    }

    @Override
    public Page list(PageRequest request) {
        List<Bson> conditions = new ArrayList<>();
        if (!request.tag().isEmpty()) {
            conditions.add(Filters.eq("tag", request.tag()));
        }
        request.after().ifPresent(after -> conditions.add(Filters.gt("_id", after.toObjectId())));
        Bson filter = conditions.isEmpty() ? ALL : Filters.and(conditions);
        List<Todo> readOneMore = call(() -> typedTodos.find(filter).sort(BY_ID).limit(request.size() + 1)
                .into(new ArrayList<>()));
        return Page.fromLookahead(readOneMore, request.size());
    }

    /** Pings MongoDB, and creates the list index the first time it is reachable. */
    @Override
    public void ping() {
        call(() -> database.runCommand(new Document("ping", 1)));
        if (!indexed.get()) {
            ensureIndex();
        }
    }

    /** The index the tag-filtered, id-ordered listing uses. Idempotent. */
    public void ensureIndex() {
        call(() -> todos.createIndex(Indexes.ascending("tag", "_id"), new IndexOptions().name("tag_1__id_1")));
        indexed.set(true);
    }

    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public void close() {
        client.close();
    }

    /** The underlying collection, for the seed command. */
    public MongoCollection<Document> collection() {
        return todos;
    }

    @Override
    public String toString() {
        return "MongoTodoStore[" + description + "]";
    }

    private static Bson byId(TodoId id) {
        return Filters.eq("_id", id.toObjectId());
    }

    private <T> T call(MongoCall<T> operation) {
        try {
            return operation.run();
        } catch (MongoException e) {
            throw translate(e);
        }
    }

    /**
     * By cause, so that clients retry only what may succeed on retry, and health follows only
     * reachability: timeouts, socket errors, server selection and a node stepping down are
     * StoreUnavailable; a duplicate key AlreadyExists; document validation Rejected; authentication
     * and authorization NotPermitted; anything else the server refuses Rejected.
     */
    TodoException translate(MongoException e) {
        String what = "MongoDB " + description + ": " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        // Before the timeouts: a failed authentication is a MongoClientException too.
        if (e instanceof MongoSecurityException || e.getCode() == UNAUTHORIZED || e.getCode() == AUTHENTICATION_FAILED) {
            return new TodoException.NotPermitted(what, e);
        }
        if (e instanceof MongoTimeoutException || e instanceof MongoSocketException
                || e instanceof MongoExecutionTimeoutException || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException || TRANSIENT_CODES.contains(e.getCode())
                || e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)) {
            return unavailable(e);
        }
        if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
            return new TodoException.AlreadyExists(what, e);
        }
        if (e instanceof MongoServerException) {
            return new TodoException.Rejected(what, e);
        }
        return unavailable(e);
    }

    private TodoException.StoreUnavailable unavailable(MongoException e) {
        return new TodoException.StoreUnavailable("MongoDB " + description + " unavailable: "
                + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()), e);
    }

    // The driver's messages embed the whole cluster description; the start says what went wrong.
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() <= 160 ? line : line.substring(0, 160) + "...";
    }

    @FunctionalInterface
    private interface MongoCall<T> {
        T run();
    }
}
