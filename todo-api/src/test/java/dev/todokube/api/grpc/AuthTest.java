package dev.todokube.api.grpc;

import static dev.todokube.api.grpc.TodosServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.TestServer;
import dev.todokube.api.original.TodosGrpc;
import dev.todokube.proto.CreateTodoRequest;
import dev.todokube.proto.ListTodosRequest;
import dev.todokube.proto.Request;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthTest {

    private static TestServer secured;

    @BeforeAll
    static void start() {
        secured = TestServer.start(Map.of("AUTH_TOKENS", "alpha-token,beta-token"));
    }

    @AfterAll
    static void stop() {
        secured.close();
    }

    @Test
    void bearerMetadataWithAnyConfiguredTokenIsAccepted() {
        assertThat(withBearer("alpha-token").getTodos(Request.getDefaultInstance()).getTodosCount()).isPositive();
        assertThat(withBearer("beta-token").createTodo(CreateTodoRequest.newBuilder().setTitle("secured").build())
                .getTitle()).isEqualTo("secured");
    }

    @Test
    void callsWithoutTokenAreUnauthenticated() {
        assertStatus(() -> secured.todos().listTodos(ListTodosRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "missing credentials: send 'authorization: Bearer <token>' metadata");
        assertStatus(() -> secured.todos().getTodos(Request.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "missing credentials: send 'authorization: Bearer <token>' metadata");
    }

    @Test
    void wrongTokenIsUnauthenticated() {
        assertStatus(() -> withBearer("alpha-tokeN").listTodos(ListTodosRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "invalid bearer token");
        assertStatus(() -> secured.todos().getTodos(Request.newBuilder().setToken("gamma").build()),
                Status.Code.UNAUTHENTICATED, "invalid bearer token");
    }

    @Test
    void originalClientsMayPutTheTokenInTheRequest() {
        var original = TodosGrpc.newBlockingStub(secured.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);

        assertThat(original.getTodos(dev.todokube.api.original.Request.newBuilder().setToken("beta-token").build())
                .getTodosCount()).isPositive();
        assertStatus(() -> original.getTodos(dev.todokube.api.original.Request.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "missing credentials: send 'authorization: Bearer <token>' metadata");
    }

    @Test
    void healthStaysOpen() {
        assertThat(secured.health("grpc.Todos")).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void withoutTokensConfiguredAuthIsOff() {
        try (TestServer open = TestServer.start()) {
            assertThat(open.todos().listTodos(ListTodosRequest.getDefaultInstance()).getTodosCount()).isPositive();
            assertThat(open.todos().getTodos(Request.newBuilder().setToken("whatever").build()).getTodosCount()).isPositive();
        }
    }

    private static dev.todokube.proto.TodosGrpc.TodosBlockingStub withBearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
        return secured.todos().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
