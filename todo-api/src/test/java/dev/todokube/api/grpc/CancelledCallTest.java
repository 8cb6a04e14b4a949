package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.todokube.api.fixtures.Await;
import dev.todokube.api.fixtures.HeldFindsMongo;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call that its client gives up on stops its store call: what was not sent to MongoDB yet never is. */
class CancelledCallTest {

    @Test
    void aGetTodosWhoseDeadlinePassesWhileItWaitsIsNeverSentToMongo() throws Exception {
        try (HeldFindsMongo mongo = new HeldFindsMongo();
             TestServer server = TestServer.start(Map.of("DB_TYPE", "mongo", "DB_URI", mongo.uri(), "DB_TIMEOUT", "10s"))) {
            HeldFindsMongo.Hold slow = mongo.hold();
            int findsBefore = mongo.finds();
            ListenableFuture<Response> running = TodosGrpc.newFutureStub(server.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).getTodos(Request.getDefaultInstance());
            mongo.awaitFinds(findsBefore + 1);

            // Waits behind the running read for the next one; its deadline passes first.
            assertThatThrownBy(() -> TodosGrpc.newBlockingStub(server.channel())
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS).getTodos(Request.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            Await.until(Duration.ofSeconds(10), "the server to drop the expired call",
                    () -> server.scrapeMetrics().contains("grpc_server_calls_in_flight 1.0"));
            // Had the expired call's read been sent when the running one ended, it would hold here.
            HeldFindsMongo.Hold next = mongo.hold();

            slow.release();
            assertThat(running.get(30, TimeUnit.SECONDS).getTodosList()).isEmpty();
            ListenableFuture<Response> fresh = TodosGrpc.newFutureStub(server.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).getTodos(Request.getDefaultInstance());
            mongo.awaitFinds(findsBefore + 2);
            next.release();

            assertThat(fresh.get(30, TimeUnit.SECONDS).getTodosList()).isEmpty();
            assertThat(mongo.finds() - findsBefore).as("finds sent: the running call's and the fresh call's").isEqualTo(2);
        }
    }
}
