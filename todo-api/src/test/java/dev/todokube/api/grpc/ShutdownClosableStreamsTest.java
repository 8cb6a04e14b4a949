package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.Await;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health Watch streams over a real loopback port: ended at shutdown, forgotten when the client cancels. */
class ShutdownClosableStreamsTest {

    private final ShutdownClosableStreams streams = new ShutdownClosableStreams();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(health.getHealthService(), streams))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void closeAllEndsOpenWatchStreamsWithTheGivenStatus() throws Exception {
        Watch watch = new Watch();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), watch);
        Await.until(Duration.ofSeconds(10), "the watch to be open", () -> streams.openStreams() == 1);

        streams.closeAll(Status.UNAVAILABLE.withDescription("server shutting down"));

        Status ended = watch.ended.get(10, TimeUnit.SECONDS);
        assertThat(ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ended.getDescription()).isEqualTo("server shutting down");
        assertThat(streams.openStreams()).isZero();
    }

    @Test
    void aWatchTheClientCancelsIsForgotten() throws Exception {
        Context.CancellableContext context = Context.current().withCancellation();
        context.run(() -> HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), new Watch()));
        Await.until(Duration.ofSeconds(10), "the watch to be open", () -> streams.openStreams() == 1);

        context.cancel(null);

        Await.until(Duration.ofSeconds(10), "the cancelled watch to be forgotten", () -> streams.openStreams() == 0);
    }

    private static final class Watch implements StreamObserver<HealthCheckResponse> {
        final CompletableFuture<Status> ended = new CompletableFuture<>();

        @Override
        public void onNext(HealthCheckResponse value) {
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.complete(Status.OK);
        }
    }
}
