package dev.todokube.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.TestServer;
import dev.todokube.proto.GetTodoRequest;
import dev.todokube.proto.Request;
import dev.todokube.testkit.grpc.RawTodosMethods;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void countsCallsByMethodAndCodeAndExposesJvmMetrics() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.todos().getTodos(Request.getDefaultInstance());
            server.todos().getTodos(Request.getDefaultInstance());
            try {
                server.todos().getTodo(GetTodoRequest.newBuilder().setId("nope").build());
            } catch (RuntimeException expected) {
                // INVALID_ARGUMENT, counted below
            }

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            String body = response.body();
            assertThat(body).containsPattern(
                    "grpc_server_handled_total\\{code=\"OK\",method=\"GetTodos\",service=\"grpc.Todos\"} 2(\\.0)?\\n");
            assertThat(body).containsPattern(
                    "grpc_server_handled_total\\{code=\"INVALID_ARGUMENT\",method=\"GetTodo\",service=\"grpc.Todos\"} 1(\\.0)?\\n");
            assertThat(body).contains("grpc_server_call_duration_seconds_bucket{code=\"OK\",method=\"GetTodos\"");
            assertThat(body).contains("grpc_server_call_duration_seconds_count{code=\"OK\",method=\"GetTodos\"");
            assertThat(body).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("process_uptime_seconds");
        }
    }

    /**
     * Before any call, every Todos method has a counter for every status code at zero, and its OK
     * histogram: a code first returned inside an analysis window is then counted by Prometheus's
     * increase(), which ignores a series whose first sample falls inside the window.
     */
    @Test
    void everyCodeOfEveryMethodIsCountedFromTheFirstScrape() throws Exception {
        try (TestServer server = TestServer.start()) {
            String before = scrape(server);

            for (String method : RawTodosMethods.METHODS) {
                for (Status.Code code : Status.Code.values()) {
                    assertThat(before).as(method + " " + code).containsPattern("grpc_server_handled_total\\{code=\""
                            + code + "\",method=\"" + method + "\",service=\"grpc.Todos\"} 0(\\.0)?\\n");
                }
                assertThat(before).contains("grpc_server_call_duration_seconds_count{code=\"OK\",method=\"" + method
                        + "\",service=\"grpc.Todos\"} 0");
            }

            try {
                server.todos().getTodo(GetTodoRequest.newBuilder().setId("nope").build());
            } catch (RuntimeException expected) {
                // INVALID_ARGUMENT, counted on the counter that was there before
            }
            assertThat(scrape(server)).containsPattern(
                    "grpc_server_handled_total\\{code=\"INVALID_ARGUMENT\",method=\"GetTodo\",service=\"grpc.Todos\"} 1(\\.0)?\\n");
        }
    }

    private static String scrape(TestServer server) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
