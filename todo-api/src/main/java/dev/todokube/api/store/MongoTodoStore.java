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
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.connection.TransportSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Todos in MongoDB, collection {@code todos}, documents {@code {_id: ObjectId, title, tag, priority}}
 * exactly as the original service stored them. It uses the driver's asynchronous API (reactive
 * streams): a call sends its command and returns; the reply completes the call's future on the I/O
 * thread that read it, which is the gRPC server's own event loop when the store is given it, so a
 * call costs no hand-off to another thread and back. Every driver timeout is the configured
 * DB_TIMEOUT, so a call fails with StoreUnavailable instead of hanging while MongoDB is down; the
 * driver's monitor reconnects by itself when it returns.
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
    private static final Bson PING = new BsonDocument("ping", new BsonInt32(1));

    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<Document> todos;
    private final MongoCollection<Todo> typedTodos;
    private final long timeoutMillis;
    private final String description;
    private final Function<Throwable, Throwable> failure = this::translateAny;
    private final SharedRead<List<Todo>> allTodos = new SharedRead<>(this::readAll);

    private MongoTodoStore(MongoClient client, String dbName, Duration timeout, String description) {
        this.client = client;
        this.database = client.getDatabase(dbName);
        this.todos = database.getCollection(COLLECTION);
        CodecRegistry defaults = MongoClientSettings.getDefaultCodecRegistry();
        this.typedTodos = todos.withDocumentClass(Todo.class)
                .withCodecRegistry(CodecRegistries.fromRegistries(CodecRegistries.fromCodecs(new TodoCodec(defaults)), defaults));
        this.timeoutMillis = timeout.toMillis();
        this.description = description;
    }

    /**
     * Creates the client on the given event loops (the gRPC server's), so the driver's reads and the
     * service's calls share their threads; does not wait for MongoDB (it may be down now and come up
     * later).
     *
     * @param maskedUri the URI without password, for error messages
     * @param poolSize the most connections to each MongoDB server, one per call in flight
     */
    public static MongoTodoStore connect(String uri, String maskedUri, String dbName, Duration timeout, int poolSize,
                                         EventLoopGroup eventLoops, Class<? extends SocketChannel> channelType) {
        return connect(uri, maskedUri, dbName, timeout, poolSize, TransportSettings.nettyBuilder()
                .eventLoopGroup(eventLoops)
                .socketChannelClass(channelType)
                .build());
    }

    /** As above, on the driver's own I/O threads (the seed command, which serves nothing). */
    public static MongoTodoStore connect(String uri, String maskedUri, String dbName, Duration timeout, int poolSize) {
        return connect(uri, maskedUri, dbName, timeout, poolSize, null);
    }

    private static MongoTodoStore connect(String uri, String maskedUri, String dbName, Duration timeout, int poolSize,
                                          TransportSettings transport) {
        long timeoutMs = timeout.toMillis();
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applicationName("todo-api")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(b -> b.maxSize(poolSize).maxWaitTime(timeoutMs, TimeUnit.MILLISECONDS))
                // Notice a returning server soon; the driver's default (10 s) keeps health red for longer.
                .applyToServerSettings(b -> b.heartbeatFrequency(
                        Math.min(MAX_HEARTBEAT.toMillis(), Math.max(500, timeoutMs)), TimeUnit.MILLISECONDS));
        if (transport != null) {
            settings.transportSettings(transport);
        }
        return new MongoTodoStore(MongoClients.create(settings.build()), dbName, timeout, maskedUri + "/" + dbName);
    }

    @Override
    public CompletableFuture<Todo> create(TodoFields fields) {
        Todo todo = Todo.of(TodoId.of(new ObjectId()), fields);
        return DriverCall.of(typedTodos.insertOne(todo), inserted -> todo, failure);
    }

    @Override
    public CompletableFuture<Todo> get(TodoId id) {
        return DriverCall.of(typedTodos.find(byId(id)).maxTime(timeoutMillis, TimeUnit.MILLISECONDS).first(),
                found -> only(found, id), failure);
    }

    @Override
    public CompletableFuture<Todo> update(TodoId id, TodoPatch patch) {
        if (patch.isEmpty()) {
            return get(id);
        }
        List<Bson> sets = new ArrayList<>();
        patch.title().ifPresent(title -> sets.add(Updates.set("title", title)));
        patch.tag().ifPresent(tag -> sets.add(Updates.set("tag", tag)));
        patch.priority().ifPresent(priority -> sets.add(Updates.set("priority", priority)));
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                .maxTime(timeoutMillis, TimeUnit.MILLISECONDS);
        return DriverCall.of(typedTodos.findOneAndUpdate(byId(id), Updates.combine(sets), options),
                updated -> only(updated, id), failure);
    }

    @Override
    public CompletableFuture<Void> delete(TodoId id) {
        return DriverCall.of(todos.deleteOne(byId(id)), results -> {
            if (results.isEmpty() || results.get(0).getDeletedCount() == 0) {
                throw new TodoException.NotFound(id);
            }
            return null;
        }, failure);
    }

    /**
     * GetTodos, the hot call: concurrent calls share a read (see {@link SharedRead}); each still
     * sees every write acknowledged before it arrived.
     */
    @Override
    public CompletableFuture<List<Todo>> all() {
        return allTodos.get();
    }

    // Every caller of the batch gets this one list.
    private CompletableFuture<List<Todo>> readAll() {
        return DriverCall.of(typedTodos.find(ALL).sort(BY_ID).maxTime(timeoutMillis, TimeUnit.MILLISECONDS),
                Collections::unmodifiableList, failure);
    }

    @Override
    public CompletableFuture<Page> list(PageRequest request) {
        List<Bson> conditions = new ArrayList<>();
        if (!request.tag().isEmpty()) {
            conditions.add(Filters.eq("tag", request.tag()));
        }
        request.after().ifPresent(after -> conditions.add(Filters.gt("_id", after.toObjectId())));
        Bson filter = conditions.isEmpty() ? ALL : Filters.and(conditions);
        return DriverCall.of(typedTodos.find(filter).sort(BY_ID).limit(request.size() + 1)
                        .maxTime(timeoutMillis, TimeUnit.MILLISECONDS),
                readOneMore -> Page.fromLookahead(readOneMore, request.size()), failure);
    }

    @Override
    public CompletableFuture<Void> ping() {
        return DriverCall.of(database.runCommand(PING), reply -> null, failure);
    }

    /** Creates the list index. */
    @Override
    public CompletableFuture<Void> prepare() {
        return ensureIndex();
    }

    /** The index the tag-filtered, id-ordered listing uses. Idempotent. */
    public CompletableFuture<Void> ensureIndex() {
        return DriverCall.of(todos.createIndex(Indexes.ascending("tag", "_id"), new IndexOptions().name("tag_1__id_1")),
                name -> null, failure);
    }

    /**
     * The seed command's write: inserts the todo unless one with its id (or, without an id, its
     * title and tag) exists; an existing document is never changed. True when it inserted.
     */
    public CompletableFuture<Boolean> insertIfAbsent(Optional<TodoId> id, TodoFields fields) {
        Bson filter = id.map(MongoTodoStore::byId)
                .orElseGet(() -> Filters.and(Filters.eq("title", fields.title()), Filters.eq("tag", fields.tag())));
        List<Bson> values = new ArrayList<>();
        if (id.isEmpty()) {
            // Matched by title+tag: give the new document an ObjectId as the original's had.
            values.add(Updates.setOnInsert("_id", new ObjectId()));
        }
        values.add(Updates.setOnInsert("title", fields.title()));
        values.add(Updates.setOnInsert("tag", fields.tag()));
        values.add(Updates.setOnInsert("priority", fields.priority()));
        return DriverCall.of(todos.updateOne(filter, Updates.combine(values), new UpdateOptions().upsert(true)),
                results -> !results.isEmpty() && results.get(0).getUpsertedId() != null, failure);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "MongoTodoStore[" + description + "]";
    }

    private static Bson byId(TodoId id) {
        return Filters.eq("_id", id.toObjectId());
    }

    private static Todo only(List<Todo> found, TodoId id) {
        if (found.isEmpty()) {
            throw new TodoException.NotFound(id);
        }
        return found.get(0);
    }

    private Throwable translateAny(Throwable t) {
        return t instanceof MongoException e ? translate(e) : t;
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
}
