package dev.todokube.bgkube.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry: Debian's docker-registry (the CNCF distribution registry) serving plain
 * HTTP on 127.0.0.1 with its storage in a temporary directory.
 */
public final class LocalRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the registry and waits until {@code /v2/} answers. */
    public static LocalRegistry start(Path workDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " is missing: apt-get install docker-registry (.ci/run does)");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path storage = Files.createDirectories(workDir.resolve("registry-storage"));
        Path config = workDir.resolve("registry.yml");
        Files.writeString(config, """
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: %s
            http:
              addr: 127.0.0.1:%d
            """.formatted(storage, port));
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("registry.log").toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (registry.get("/v2/", "application/json").statusCode() == 200) {
                    return registry;
                }
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    registry.close();
                    throw new IOException("docker-registry did not start; see " + workDir.resolve("registry.log"), notYet);
                }
            }
            Thread.sleep(100);
        }
    }

    /** {@code 127.0.0.1:<port>}, the registry part of image names. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** GET on the registry API, e.g. {@code /v2/app/manifests/1}. */
    public HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host() + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
