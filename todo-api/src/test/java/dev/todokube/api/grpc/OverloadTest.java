package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.TestServer;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Store calls beyond the pool and its queue are rejected at once with UNAVAILABLE instead of piling up. */
class OverloadTest {

    @Test
    void callsBeyondPoolPlusQueueAreRejected() throws Exception {
        // A pool of one, one queue slot, each call held 2 s: of three concurrent calls one is rejected.
        try (TestServer server = TestServer.start(Map.of(
                "MEMORY_STORE_DELAY", "2s", "DB_POOL_SIZE", "1", "STORE_QUEUE_SIZE", "1"))) {
            TodosGrpc.TodosFutureStub stub = TodosGrpc.newFutureStub(server.channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(stub.getTodos(Request.getDefaultInstance()));
            }

            int ok = 0;
            List<Status> rejected = new ArrayList<>();
            for (Future<Response> call : calls) {
                try {
                    call.get(30, TimeUnit.SECONDS);
                    ok++;
                } catch (ExecutionException e) {
                    rejected.add(Status.fromThrowable(e.getCause()));
                }
            }

            assertThat(ok).isEqualTo(2);
            assertThat(rejected).singleElement().satisfies(status -> {
                assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(status.getDescription()).isEqualTo("server overloaded: 2 store calls in flight; retry later");
            });
        }
    }
}
