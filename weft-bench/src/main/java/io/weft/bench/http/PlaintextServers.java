package io.weft.bench.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.weft.http.HttpServer;
import io.weft.http.HttpServerOptions;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * {@code PlaintextServers weft|netty PORT}: one plaintext server on 127.0.0.1:PORT, one loop
 * thread, until killed. Both send the same head: status line, Date, Content-Type,
 * Content-Length, and the 13-byte body.
 */
public final class PlaintextServers {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private PlaintextServers() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PlaintextServers weft|netty PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "weft" -> weft(port);
            case "netty" -> netty(port);
            default -> {
                System.err.println("unknown server " + args[0]);
                System.exit(2);
            }
        }
    }

    private static void weft(int port) throws Exception {
        EventLoop loop = EventLoop.create(LoopConfig.builder().threadName("weft-http-bench").build());
        HttpServer.listen(loop, new InetSocketAddress("127.0.0.1", port), HttpServerOptions.defaults(),
                (req, res) -> res.header("Content-Type", "text/plain").end(HELLO));
        System.out.println("weft listening on " + port);
        loop.runForever();
    }

    private static void netty(int port) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", port)).sync();
        System.out.println("netty listening on " + port);
        Thread.currentThread().join();
    }

    /** Answers every request; flushes once per read batch, as pipelining wants. */
    private static final class Hello extends SimpleChannelInboundHandler<Object> {
        private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
        private static final ByteBuf BODY = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HELLO));
        private long second;
        private String date;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                long s = System.currentTimeMillis() / 1000;
                if (s != second) {
                    second = s;
                    date = DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
                }
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate());
                res.headers().set(HttpHeaderNames.DATE, date).set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                if (!keepAlive) {
                    ctx.write(res).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                } else {
                    ctx.write(res);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
