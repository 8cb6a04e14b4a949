package dev.todokube.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.Await;
import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as a real process: ready line, SIGTERM drain, exit codes. */
class ProcessLifecycleTest {

    private static final Pattern READY = Pattern.compile(
            "todo-api ready: grpc=127\\.0\\.0\\.1:(\\d+) metrics=127\\.0\\.0\\.1:(\\d+) store=memory");
    private static final String MAIN = TodoApiMain.class.getName();
    private static final int IN_FLIGHT = 20;

    @TempDir
    Path dir;

    @Test
    void sigtermLetsInFlightCallsFinishAndExitsZero() throws Exception {
        // MEMORY_STORE_DELAY holds every call in the store for 3 s, so they are surely in flight.
        // The grace is longer than the exit timeout below: the drain must not wait for the open
        // health Watch stream, only for the Todos calls.
        try (ChildProcess child = start(env(Map.of("MEMORY_STORE_DELAY", "3s", "SHUTDOWN_GRACE", "90s")))) {
            MatchResult ready = child.awaitLine(READY, Duration.ofSeconds(30));
            int grpcPort = Integer.parseInt(ready.group(1));
            int metricsPort = Integer.parseInt(ready.group(2));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
            try {
                TodosGrpc.TodosFutureStub stub = TodosGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                HealthWatch watch = new HealthWatch();
                HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService("grpc.Todos").build(), watch);
                Await.until(Duration.ofSeconds(20), "the first health status", () -> !watch.statuses.isEmpty());
                List<Future<Response>> calls = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    calls.add(stub.getTodos(Request.getDefaultInstance()));
                }
                Await.until(Duration.ofSeconds(20), IN_FLIGHT + " calls in flight",
                        () -> inFlight(metricsPort) >= IN_FLIGHT + 1);

                child.terminate();

                for (Future<Response> call : calls) {
                    assertThat(call.get(30, TimeUnit.SECONDS).getTodosList())
                            .anySatisfy(todo -> assertThat(todo.getTitle()).isEqualTo("Add my todos"));
                }
                assertThat(child.waitFor(Duration.ofSeconds(30))).isZero();
                assertThat(watch.ended.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(watch.statuses).containsSubsequence(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
                assertThat(child.output().lines()).anySatisfy(line -> assertThat(line).contains("shutting down"))
                        .anySatisfy(line -> assertThat(line).endsWith("stopped"));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void readyLineAndMaskedConfigurationAreLoggedOnce() throws Exception {
        try (ChildProcess child = start(env(Map.of("AUTH_TOKENS", "very-secret")))) {
            child.awaitLine(READY, Duration.ofSeconds(30));
            child.terminate();
            assertThat(child.waitFor(Duration.ofSeconds(30))).isZero();

            assertThat(child.output().lines()).filteredOn(line -> READY.matcher(line).find()).hasSize(1);
            assertThat(child.output().lines()).filteredOn(line -> line.contains("configuration: ")).singleElement()
                    .satisfies(line -> assertThat(line).contains("AUTH_TOKENS=***(1 tokens) (environment)")
                            .doesNotContain("very-secret"));
        }
    }

    @Test
    void badConfigurationIsOneLineOnStderrAndExitTwo() throws Exception {
        try (ChildProcess child = start(env(Map.of("SERVER_PORT", "abc")))) {
            assertThat(child.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(child.errorOutput().lines()).containsExactly(
                    "todo-api: SERVER_PORT=\"abc\" (from environment): not a port number (0-65535)");
        }
    }

    /** Records what a health Watch stream reports until it ends. */
    private static final class HealthWatch implements StreamObserver<HealthCheckResponse> {
        final List<ServingStatus> statuses = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void onNext(HealthCheckResponse response) {
            statuses.add(response.getStatus());
        }

        @Override
        public void onError(Throwable t) {
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }
    }

    /** The service's main class in a child JVM on the test classpath, seeing only {@code env}. */
    private ChildProcess start(Map<String, String> env) throws IOException {
        return ChildJvm.mainClassOnCurrentClasspath(MAIN)
                .name("todo-api")
                .jvmArgs("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m")
                .withoutInheritedEnvironment()
                .env(env)
                .workingDirectory(dir)
                .logFile(dir.resolve("todo-api.stdout"))
                .errorFile(dir.resolve("todo-api.stderr"))
                .start();
    }

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("SERVER_HOST", "127.0.0.1", "SERVER_PORT", "0", "METRICS_PORT", "0"));
        env.putAll(extra);
        return env;
    }

    private static int inFlight(int metricsPort) {
        try {
            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^grpc_server_calls_in_flight (\\d+)").matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
