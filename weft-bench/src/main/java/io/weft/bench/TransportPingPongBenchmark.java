package io.weft.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trip of a {@value #SIZE}-byte message on one TCP connection on loopback, both ends in
 * the same library: the client sends the message, the server echoes what it reads, and the
 * client sends the next one when the whole message is back. Client and server run on two
 * loops (two threads), as two processes would, so each hop wakes a loop that was asleep in
 * {@code epoll_wait}. TCP_NODELAY on both ends.
 *
 * <p>One operation is one round trip; an invocation runs {@value #ROUND_TRIPS} of them on the
 * client loop, so the score is their mean in microseconds. {@link Latencies} prints the
 * percentiles of the individual round trips, and {@link LoopCpuMeter} the CPU time per round
 * trip of the two loops and of the process.
 *
 * <p>The echo is each library's usual one: Weft writes the lent read buffer back from
 * {@code dataReceived} (sent at once, nothing copied); Netty writes the received {@link ByteBuf}
 * in {@code channelRead} and flushes in {@code channelReadComplete}. The client writes a heap
 * buffer in Weft, a pooled direct buffer filled from the payload in Netty.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class TransportPingPongBenchmark {
    static final int SIZE = 1024;
    static final int ROUND_TRIPS = 1000;

    /** Sends a message, waits for all of it to come back, again, {@value #ROUND_TRIPS} times. Loop thread only. */
    static final class WeftPinger implements Protocol {
        private final ByteBuffer message = ByteBuffer.wrap(new byte[SIZE]);
        final Latencies latencies = new Latencies();
        final Signal done = Signal.parking();
        final Runnable start = this::start;
        private Transport transport;
        private int left;
        private int got;
        private long sentAt;
        long completed;

        private void start() {
            left = ROUND_TRIPS;
            send();
        }

        private void send() {
            got = 0;
            sentAt = System.nanoTime();
            message.clear();
            transport.write(message);
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            got += data.remaining();
            data.position(data.limit());
            if (got == SIZE) {
                latencies.record(System.nanoTime() - sentAt);
                completed++;
                if (--left > 0) {
                    send();
                } else {
                    done.raise();
                }
            }
        }

        Transport transport() {
            return transport;
        }
    }

    /** Writes back whatever it reads. */
    static final class WeftEcho implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** {@link WeftPinger} for Netty. Loop thread only. */
    static final class NettyPinger extends ChannelInboundHandlerAdapter {
        private final byte[] payload = new byte[SIZE];
        final Latencies latencies = new Latencies();
        final Signal done = Signal.parking();
        final Runnable start = this::start;
        private ChannelHandlerContext ctx;
        private int left;
        private int got;
        private long sentAt;
        long completed;

        private void start() {
            left = ROUND_TRIPS;
            send();
        }

        private void send() {
            got = 0;
            sentAt = System.nanoTime();
            ByteBuf b = ctx.alloc().directBuffer(SIZE);
            b.writeBytes(payload);
            ctx.writeAndFlush(b, ctx.voidPromise());
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            got += b.readableBytes();
            b.release();
            if (got == SIZE) {
                latencies.record(System.nanoTime() - sentAt);
                completed++;
                if (--left > 0) {
                    send();
                } else {
                    done.raise();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Netty's echo: write what arrives, flush when the read burst ends. */
    static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        /** The backend both loops run on: the JDK's selector, or native epoll through FFM. */
        @Param({"nio", "epoll"})
        public String poller;

        EventLoop serverLoop;
        EventLoop clientLoop;
        Server server;
        WeftPinger pinger;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            serverLoop = Peers.weftLoop(io.weft.loop.PollerKind.parse(poller));
            clientLoop = Peers.weftLoop(io.weft.loop.PollerKind.parse(poller));
            server = WeftNet.listen(serverLoop, WeftEcho::new);
            pinger = new WeftPinger();
            WeftNet.connect(clientLoop, () -> pinger, server.addresses().get(0));
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            pinger.latencies.startIteration(iteration);
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams benchmark) {
            Peers.runOn(clientLoop, () -> {
                Peers.check(pinger.completed == expected, "weft completed " + pinger.completed + " of " + expected);
                pinger.transport().close();
            });
            pinger.latencies.report(benchmark.getBenchmark() + " " + poller);
            Peers.runOn(serverLoop, server::close);
            clientLoop.close();
            serverLoop.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Netty {
        @Param({"nio", "epoll"})
        public String transport;

        IoEventLoopGroup serverGroup;
        IoEventLoopGroup clientGroup;
        Channel server;
        Channel client;
        NettyPinger pinger;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            NettyLoops flavour = NettyLoops.valueOf(transport.toUpperCase());
            serverGroup = flavour.group(1);
            clientGroup = flavour.group(1);
            server = new ServerBootstrap().group(serverGroup).channel(flavour.server)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new NettyEcho());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
            pinger = new NettyPinger();
            client = new Bootstrap().group(clientGroup).channel(flavour.socket)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(pinger)
                    .connect(server.localAddress()).syncUninterruptibly().channel();
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            pinger.latencies.startIteration(iteration);
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams benchmark) {
            Peers.runOn(client.eventLoop(), () ->
                    Peers.check(pinger.completed == expected, "netty completed " + pinger.completed + " of " + expected));
            pinger.latencies.report(benchmark.getBenchmark() + " " + transport);
            client.close().syncUninterruptibly();
            server.close().syncUninterruptibly();
            Peers.shutDown(clientGroup);
            Peers.shutDown(serverGroup);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void weft(Weft s, LoopCpuMeter cpu) {
        s.expected += ROUND_TRIPS;
        s.pinger.done.reset();
        s.clientLoop.execute(s.pinger.start);
        s.pinger.done.await();
        cpu.add(ROUND_TRIPS, 2L * ROUND_TRIPS * SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void netty(Netty s, LoopCpuMeter cpu) {
        s.expected += ROUND_TRIPS;
        s.pinger.done.reset();
        s.client.eventLoop().execute(s.pinger.start);
        s.pinger.done.await();
        cpu.add(ROUND_TRIPS, 2L * ROUND_TRIPS * SIZE);
    }
}
