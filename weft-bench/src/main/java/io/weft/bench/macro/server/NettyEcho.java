package io.weft.bench.macro.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;

/**
 * Netty 4.2's echo, as its own example writes it (write on read, flush on read-complete), plus
 * the flow control Weft's echo has: reading stops while the channel is not writable. One event
 * loop group of {@code loops} threads accepts and serves, as Weft's single loop does.
 */
final class NettyEcho implements EchoServer {

    enum Kind { NIO, EPOLL, IO_URING }

    private final Kind kind;
    private final int loops;

    NettyEcho(Kind kind, int loops) {
        this.kind = kind;
        this.loops = loops;
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public int start() throws Exception {
        IoHandlerFactory handlers;
        Class<? extends ServerChannel> channel;
        switch (kind) {
            case NIO -> {
                handlers = NioIoHandler.newFactory();
                channel = NioServerSocketChannel.class;
            }
            case EPOLL -> {
                Epoll.ensureAvailability();
                handlers = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            default -> {
                IoUring.ensureAvailability();
                handlers = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, handlers);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Echo.INSTANCE);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }
}
