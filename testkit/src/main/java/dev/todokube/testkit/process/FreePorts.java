package dev.todokube.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports, for the rare peer that cannot bind port 0 and report what it got (prefer
 * port 0 where possible: a port found here may be taken by someone else before it is used).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
