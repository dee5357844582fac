package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
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
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The two Netty 4.2 transports the network benchmarks compare with: NIO (the JDK selector, the
 * same kernel interface as Weft's default loop) and native epoll (Netty's own JNI binding, what
 * Netty users pick on Linux). Their loop threads are named {@value #THREAD_NAME}-..., so that
 * {@link LoopCpuMeter} can tell them apart.
 */
enum NettyLoops {
    NIO(NioIoHandler::newFactory, NioSocketChannel.class, NioServerSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollSocketChannel.class, EpollServerSocketChannel.class);

    static final String THREAD_NAME = "netty-bench-loop";

    private final Supplier<IoHandlerFactory> handler;
    final Class<? extends SocketChannel> socket;
    final Class<? extends ServerChannel> server;

    NettyLoops(Supplier<IoHandlerFactory> handler, Class<? extends SocketChannel> socket,
            Class<? extends ServerChannel> server) {
        this.handler = handler;
        this.socket = socket;
        this.server = server;
    }

    /**
     * A group of {@code n} loops, their threads started. Fails the run, saying why, when the
     * native epoll library does not load here (the benchmarks then cannot claim to compare).
     */
    IoEventLoopGroup group(int n) {
        if (this == EPOLL && !Epoll.isAvailable()) {
            throw new IllegalStateException("Netty's native epoll transport does not load here", Epoll.unavailabilityCause());
        }
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(THREAD_NAME), handler.get());
        for (EventExecutor loop : group) {
            Peers.runOn(loop, () -> { }); // Netty starts a loop's thread on its first task
        }
        return group;
    }

    /** The loops of {@code group}, in a fixed order. */
    static List<io.netty.channel.EventLoop> loops(IoEventLoopGroup group) {
        List<io.netty.channel.EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((io.netty.channel.EventLoop) e);
        }
        return loops;
    }
}
