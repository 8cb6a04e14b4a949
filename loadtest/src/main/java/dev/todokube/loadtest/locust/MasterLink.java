package dev.todokube.loadtest.locust;

import java.util.Optional;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;

/**
 * The worker's ZeroMQ DEALER socket to the master's ROUTER, identity = node id, plus a monitor
 * that reports when the TCP connection comes and goes. Not thread-safe: owned by the worker's
 * I/O thread (ZeroMQ sockets must stay on one thread).
 */
final class MasterLink implements AutoCloseable {

    /** What the monitor saw since the last look. */
    enum LinkEvent { CONNECTED, DISCONNECTED }

    private static final int RECEIVE_TIMEOUT_MILLIS = 50;

    private final ZMQ.Socket socket;
    private final ZMQ.Socket monitor;

    MasterLink(ZContext context, String host, int port, String nodeId, int generation) {
        this.socket = context.createSocket(SocketType.DEALER);
        socket.setIdentity(nodeId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        socket.setLinger(1000);
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        socket.setTCPKeepAlive(1);
        socket.setReconnectIVL(500);
        socket.setReconnectIVLMax(5000);
        String monitorAddress = "inproc://locust-master-monitor-" + generation;
        socket.monitor(monitorAddress, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED);
        this.monitor = context.createSocket(SocketType.PAIR);
        monitor.connect(monitorAddress);
        socket.connect("tcp://" + host + ":" + port);
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
