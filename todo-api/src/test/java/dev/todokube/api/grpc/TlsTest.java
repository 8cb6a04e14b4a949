package dev.todokube.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.api.config.ConfigException;
import dev.todokube.api.fixtures.TestServer;
import dev.todokube.proto.Request;
import dev.todokube.proto.TodosGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with the committed self-signed certificate for localhost and 127.0.0.1. */
class TlsTest {

    @Test
    void clientTrustingTheCertificateCallsOverTls() throws Exception {
        try (TestServer server = TestServer.start(Map.of(
                "TLS_CERT_FILE", resource("tls/server.crt").toString(),
                "TLS_KEY_FILE", resource("tls/server.key").toString()))) {
            ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", server.grpcPort(),
                    TlsChannelCredentials.newBuilder().trustManager(new File(resource("tls/server.crt").toString())).build())
                    .build();
            try {
                assertThat(TodosGrpc.newBlockingStub(tls).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getTodos(Request.getDefaultInstance()).getTodosCount()).isPositive();
            } finally {
                tls.shutdownNow();
            }

            // A plaintext client cannot talk to the TLS port.
            assertThatThrownBy(() -> server.todos().withDeadlineAfter(5, TimeUnit.SECONDS).getTodos(Request.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void unusableKeyIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path badKey = Files.writeString(dir.resolve("bad.key"), "not a key\n");

        assertThatThrownBy(() -> TestServer.start(Map.of(
                "TLS_CERT_FILE", resource("tls/server.crt").toString(), "TLS_KEY_FILE", badKey.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TLS_KEY_FILE=\"" + badKey + "\": not a PEM certificate chain and matching PKCS#8 private key");
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TlsTest.class.getClassLoader().getResource(name).toURI());
    }
}
