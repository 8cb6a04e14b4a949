package dev.todokube.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.api.fixtures.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A start that fails after the metrics endpoint is listening (here: the gRPC port is taken) closes
 * what it opened, so a supervisor that retries in the same process, or a test suite, finds no port
 * left behind. Checked on the listening sockets this JVM owns (Linux's /proc), so no other
 * process's sockets and no port handed around can make it pass or fail.
 */
class FailedStartTest {

    @Test
    void aStartThatFailsAfterTheMetricsEndpointOpenedLeavesNoSocketListening() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Set<String> before = listeningSocketsOfThisJvm();

            assertThatThrownBy(() -> TestServer.start(Map.of("SERVER_PORT", Integer.toString(taken.getLocalPort()),
                    "METRICS_HOST", "127.0.0.1")))
                    .isInstanceOf(UncheckedIOException.class);

            assertThat(listeningSocketsOfThisJvm()).as("listening sockets after the failed start").isSubsetOf(before);
        }
    }

    /** Inodes of the TCP sockets in LISTEN state that belong to this process. */
    private static Set<String> listeningSocketsOfThisJvm() throws IOException {
        Set<String> own = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        own.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // The descriptor was closed while listing: it is no socket of ours any more.
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // fields[3] is the state (0A: LISTEN), fields[9] the socket's inode.
                if (fields[3].equals("0A") && own.contains(fields[9])) {
                    listening.add(fields[9]);
                }
            }
        }
        return listening;
    }
}
