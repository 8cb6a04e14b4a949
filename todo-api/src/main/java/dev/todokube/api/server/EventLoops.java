package dev.todokube.api.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The service's I/O threads: one Netty event loop per processor the JVM sees (one in a pod with a
 * CPU limit of a core or less), shared by the gRPC server, which accepts and serves on them, and by
 * the MongoDB driver, which reads its replies on them; so a call's MongoDB reply is read on the
 * thread that answers the call. Epoll where Netty's native transport loads (Linux), else NIO.
 */
record EventLoops(EventLoopGroup group, Class<? extends ServerChannel> serverChannelType,
                  Class<? extends SocketChannel> channelType) implements AutoCloseable {

    static EventLoops start() {
        int threads = Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("io", true), io);
        return epoll
                ? new EventLoops(group, EpollServerSocketChannel.class, EpollSocketChannel.class)
                : new EventLoops(group, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** Stops the threads once what is queued on them has run (the server and the store are closed by then). */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
