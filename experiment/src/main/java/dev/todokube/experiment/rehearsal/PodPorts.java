package dev.todokube.experiment.rehearsal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a pod's servers, as fixed as a pod's container ports: free loopback ports below the
 * kernel's ephemeral range, where no outgoing connection and no port-0 listener is ever placed, so
 * none is taken between the choice and the server's bind (above it, the load generator's own
 * connections took one in a test run).
 */
final class PodPorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int SPAN = 10_000;

    private PodPorts() {
    }

    /** A port free a moment ago on 127.0.0.1, outside the ephemeral range. */
    static int free() throws IOException {
        int end = ephemeralStart();
        int start = Math.max(1024, end - SPAN);
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(start, end);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // Someone listens there on purpose; try another.
            }
        }
        throw new IOException("no free loopback port between " + start + " and " + end);
    }

    private static int ephemeralStart() {
        try {
            // Read by lines: procfs reports a size that makes Files.readString stop early.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0).strip()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
