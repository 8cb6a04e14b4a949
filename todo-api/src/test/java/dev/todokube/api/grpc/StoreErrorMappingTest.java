package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.api.store.Page;
import dev.todokube.api.store.PageRequest;
import dev.todokube.api.store.Todo;
import dev.todokube.api.store.TodoException;
import dev.todokube.api.store.TodoFields;
import dev.todokube.api.store.TodoId;
import dev.todokube.api.store.TodoPatch;
import dev.todokube.api.store.TodoStore;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.Request;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.testkit.mongo.InProcessMongo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * MongoDB errors become gRPC statuses by cause, so that clients retry only what can succeed on a
 * retry, and only unreachability turns health NOT_SERVING.
 */
class StoreErrorMappingTest {

    @Test
    void aDuplicateKeyFromTheServerIsAlreadyExistsAndHealthStaysServing() {
        try (InProcessMongo mongo = InProcessMongo.start();
             TestServer server = TestServer.start(Map.of("DB_TYPE", "mongo", "DB_URI", mongo.uri()))) {
            try (MongoClient client = MongoClients.create(mongo.uri())) {
                client.getDatabase("TodosDB").getCollection("todos")
                        .createIndex(Indexes.ascending("title"), new IndexOptions().unique(true));
            }
            CreateTodoRequest request = CreateTodoRequest.newBuilder().setTitle("only once").setTag("t").build();
            server.todos().createTodo(request);

            assertThatThrownBy(() -> server.todos().createTodo(request))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                        assertThat(e.getStatus().getDescription()).contains("MongoDB", "E11000");
                    });
            assertThat(server.health("")).isEqualTo(ServingStatus.SERVING);
            assertThat(server.health("grpc.Todos")).isEqualTo(ServingStatus.SERVING);
        }
    }

    /**
     * A refusal of the service's own database user is PERMISSION_DENIED for the client, without the
     * database's words, and one ERROR line in the service's log per distinct refusal, not per call.
     */
    @Test
    void aRefusedDatabaseUserIsPermissionDeniedAndLoggedOnce() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger storeCalls = (Logger) LoggerFactory.getLogger(StoreCalls.class);
        storeCalls.addAppender(logs);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new TodosService(new RefusingStore("not authorized on TodosDB to execute command { find }"), 16))
                .build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            for (int call = 0; call < 3; call++) {
                assertThatThrownBy(() -> TodosGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getTodos(Request.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                            assertThat(e.getStatus().getDescription()).doesNotContain("TodosDB");
                        });
            }
            List<ILoggingEvent> refusals;
            synchronized (logs) {
                refusals = logs.list.stream().filter(line -> line.getFormattedMessage().contains("refused")).toList();
            }
            assertThat(refusals).as("one line for three refused calls").singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(Level.ERROR);
                assertThat(line.getFormattedMessage()).contains("the database refused the service's own user",
                        "DB_URI credentials", "not authorized on TodosDB");
            });
        } finally {
            storeCalls.detachAppender(logs);
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    /** A store whose every operation the database refuses (its user lacks the role). */
    private record RefusingStore(String refusal) implements TodoStore {

        private <T> CompletableFuture<T> refused() {
            return CompletableFuture.failedFuture(new TodoException.NotPermitted(refusal, null));
        }

        @Override
        public CompletableFuture<Todo> create(TodoFields fields) {
            return refused();
        }

        @Override
        public CompletableFuture<Todo> get(TodoId id) {
            return refused();
        }

        @Override
        public CompletableFuture<Todo> update(TodoId id, TodoPatch patch) {
            return refused();
        }

        @Override
        public CompletableFuture<Void> delete(TodoId id) {
            return refused();
        }

        @Override
        public CompletableFuture<List<Todo>> all() {
            return refused();
        }

        @Override
        public CompletableFuture<Page> list(PageRequest request) {
            return refused();
        }

        @Override
        public CompletableFuture<Void> ping() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void eachStoreFailureHasItsStatus() {
        assertThat(StoreCalls.toStatus(new TodoException.StoreUnavailable("down", null)).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(StoreCalls.toStatus(new TodoException.AlreadyExists("dup", null)).getCode())
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(StoreCalls.toStatus(new TodoException.Rejected("validation", null)).getCode())
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        Status denied = StoreCalls.toStatus(new TodoException.NotPermitted("not authorized on TodosDB", null));
        assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getDescription()).as("the database's words stay in the service's log")
                .doesNotContain("TodosDB");
    }
}
