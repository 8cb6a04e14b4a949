package dev.todokube.api.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.todokube.api.fixtures.Await;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.Request;
import dev.todokube.testkit.mongo.InProcessMongo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The service on the mongo store while MongoDB (mongo-java-server in-process) goes away and comes
 * back: calls fail fast with UNAVAILABLE and health turns NOT_SERVING, then the same service
 * instance recovers by itself.
 */
class MongoOutageTest {

    @Test
    void outageAndRecoveryWithoutRestartingTheService() throws Exception {
        try (InProcessMongo mongo = InProcessMongo.start();
             TestServer server = TestServer.start(Map.of("DB_TYPE", "mongo", "DB_URI", mongo.uri(), "DB_TIMEOUT", "1s"))) {
            var created = server.todos().createTodo(CreateTodoRequest.newBuilder().setTitle("persisted").setTag("t").build());
            assertThat(server.health("grpc.Todos")).isEqualTo(ServingStatus.SERVING);

            mongo.stop();

            // A 5 s deadline: a hang would end as DEADLINE_EXCEEDED, so UNAVAILABLE proves the bound.
            assertThatThrownBy(() -> server.todos().withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).startsWith("MongoDB " + mongo.uri() + "/TodosDB unavailable");
                    });
            Await.until(Duration.ofSeconds(20), "health NOT_SERVING",
                    () -> server.health("grpc.Todos") == ServingStatus.NOT_SERVING);
            assertThat(server.health("")).isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(server.health(StoreHealthProbe.LIVENESS)).isEqualTo(ServingStatus.SERVING);

            mongo.restart();

            Await.until(Duration.ofSeconds(30), "health SERVING again",
                    () -> server.health("grpc.Todos") == ServingStatus.SERVING);
            assertThat(server.todos().getTodo(GetTodoRequest.newBuilder().setId(created.getId()).build()))
                    .isEqualTo(created);
            assertThat(server.todos().getTodos(Request.getDefaultInstance()).getTodosList()).contains(created);
        }
    }

    @Test
    void startingWhileTheStoreIsDownIsAliveNotReadyAndSaysWhy() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (InProcessMongo mongo = InProcessMongo.start()) {
            mongo.stop();
            try (TestServer server = TestServer.start(Map.of("DB_TYPE", "mongo", "DB_URI", mongo.uri(), "DB_TIMEOUT", "1s"))) {
                assertThat(server.health(StoreHealthProbe.LIVENESS)).isEqualTo(ServingStatus.SERVING);
                assertThat(server.health("")).isEqualTo(ServingStatus.NOT_SERVING);
                List<String> lines;
                synchronized (logs) {
                    lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
                }
                assertThat(lines).anySatisfy(line -> assertThat(line)
                        .startsWith("store unreachable, health NOT_SERVING: MongoDB " + mongo.uri() + "/TodosDB unavailable"));
                assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("todo-api started but NOT READY"));
                assertThat(lines).noneSatisfy(line -> assertThat(line).startsWith("todo-api ready:"));

                mongo.restart();

                Await.until(Duration.ofSeconds(30), "health SERVING once MongoDB answers",
                        () -> server.health("") == ServingStatus.SERVING);
                // Launchers and tests wait for the ready line: it comes once the store answers.
                Await.until(Duration.ofSeconds(10), "the ready line once MongoDB answers", () -> {
                    synchronized (logs) {
                        return logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                                .filter(line -> line.startsWith("todo-api ready: grpc=")).count() == 1;
                    }
                });
            }
        } finally {
            root.detachAppender(logs);
        }
    }
}
