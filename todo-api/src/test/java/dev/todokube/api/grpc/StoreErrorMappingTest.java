package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.api.store.TodoException;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.testkit.mongo.InProcessMongo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
