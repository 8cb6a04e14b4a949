package dev.todokube.loadtest.locust;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;

/**
 * The worker's ZeroMQ DEALER socket to the master's ROUTER, identity = node id, plus a monitor
 * that reports when the TCP connection comes and goes. Not thread-safe: owned by the worker's
 * I/O thread (ZeroMQ sockets must stay on one thread).
 *
 * <p>Socket options as Locust's own client: TCP keepalive with 30 s idle time (a master lost
 * without a FIN is noticed in minutes, not the OS default of two hours), and IPv6 enabled when
 * the master's name resolves to an IPv6 address (JeroMQ connects over IPv4 only otherwise).
 */
final class MasterLink implements AutoCloseable {

    /** What the monitor saw since the last look. */
    enum LinkEvent { CONNECTED, DISCONNECTED }

    /** The master's address cannot be used now (its name does not resolve, or ZeroMQ refused it). */
    static final class UnreachableException extends Exception {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final int KEEPALIVE_IDLE_SECONDS = 30;
    /**
     * JeroMQ 0.6.0 sometimes (1 to 2 in 100 loopback connects, measured) never reads the peer's
     * ZMTP greeting on a new connection: nothing arrives either way until the handshake times
     * out and JeroMQ reconnects. Its default, 30 s as libzmq's, kept a worker away from its master
     * that long; a handshake is a few bytes each way, so 5 s is ample for a master that is alive.
     */
    static final int HANDSHAKE_LIMIT_MILLIS = 5000;
    private static final int RECEIVE_TIMEOUT_MILLIS = 50;

    private final ZMQ.Socket socket;
    private final ZMQ.Socket monitor;

    private MasterLink(ZMQ.Socket socket, ZMQ.Socket monitor) {
        this.socket = socket;
        this.monitor = monitor;
    }

    /**
     * Resolves the master's host and connects (ZeroMQ completes the TCP connection in the
     * background and reconnects by itself after a reset).
     *
     * @throws UnreachableException when the name does not resolve or ZeroMQ rejects the address
     */
    static MasterLink open(ZContext context, String host, int port, String nodeId, int generation)
            throws UnreachableException {
        boolean ipv6;
        try {
            ipv6 = Arrays.stream(InetAddress.getAllByName(host)).anyMatch(Inet6Address.class::isInstance);
        } catch (UnknownHostException e) {
            throw new UnreachableException("cannot resolve " + host + " (" + e.getMessage() + ")", e);
        }
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setIdentity(nodeId.getBytes(StandardCharsets.UTF_8));
        socket.setLinger(1000);
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        socket.setTCPKeepAlive(1);
        socket.setTCPKeepAliveIdle(KEEPALIVE_IDLE_SECONDS);
        socket.setIPv6(ipv6);
        socket.setReconnectIVL(500);
        socket.setReconnectIVLMax(5000);
        socket.setHandshakeIvl(HANDSHAKE_LIMIT_MILLIS);
        String monitorAddress = "inproc://locust-master-monitor-" + generation;
        socket.monitor(monitorAddress, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
        ZMQ.Socket monitor = context.createSocket(SocketType.PAIR);
        monitor.connect(monitorAddress);
        // An IPv6 literal goes in brackets, as in a URL.
        String address = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        try {
            socket.connect("tcp://" + address + ":" + port);
        } catch (RuntimeException e) {
            socket.monitor(null, 0);
            monitor.close();
            socket.setLinger(0);
            socket.close();
            throw new UnreachableException("cannot connect to " + host + ":" + port + " (" + e + ")", e);
        }
        return new MasterLink(socket, monitor);
    }

    /** Queues a message; false when ZeroMQ's queue is full (the master has not read for long). */
    boolean send(Message message) {
        return socket.send(MessageCodec.encode(message), ZMQ.DONTWAIT);
    }

    /** The next message from the master, waiting a few milliseconds at most. */
    Optional<Message> receive() {
        byte[] bytes = socket.recv();
        return bytes == null ? Optional.empty() : Optional.of(MessageCodec.decode(bytes));
    }

    Optional<LinkEvent> nextEvent() {
        ZEvent event = ZEvent.recv(monitor, ZMQ.DONTWAIT);
        if (event == null) {
            return Optional.empty();
        }
        return switch (event.getEvent()) {
            case CONNECTED -> Optional.of(LinkEvent.CONNECTED);
            case DISCONNECTED -> Optional.of(LinkEvent.DISCONNECTED);
            default -> nextEvent();
        };
    }

    /** Closes at once, dropping unsent messages (before a reconnect: the master must see this connection go). */
    void abandon() {
        socket.setLinger(0);
        close();
    }

    /** Closes after sending what is queued (up to a second). */
    @Override
    public void close() {
        socket.monitor(null, 0);
        monitor.close();
        socket.close();
    }
}
