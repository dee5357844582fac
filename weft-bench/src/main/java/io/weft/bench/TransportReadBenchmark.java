package io.weft.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The read path of a TCP connection on loopback: bytes per second delivered to the protocol
 * ({@code Protocol.dataReceived} in Weft, {@code channelRead} in Netty, which counts and
 * releases the buffer) from a sender that never pauses. The sender is a {@link BlockingPeer}
 * thread writing {@code size}-byte chunks (TCP_NODELAY on both ends), the same for every
 * peer, so the difference between peers is the reader; small chunks make small segments,
 * which the reader may find one or a few at a time.
 *
 * <p>One invocation is {@value #BATCH_BYTES} bytes received. Since the sender never stops, the
 * aux counter {@code bytes} counts everything that arrived from the start of an iteration's
 * first invocation to the end of its last (including the moments between invocations), and
 * {@code reads} the calls that delivered it: their ratio is the mean bytes per
 * {@code dataReceived}. {@link LoopCpuMeter} prints CPU time per KiB for the reading loop, the
 * sender and the process.
 *
 * <p>Each reader reads as it does by default: Weft into the loop's shared 64 KiB direct buffer,
 * up to 4 reads per readiness event while they fill it; Netty into pooled direct buffers sized
 * by its adaptive allocator (up to 64 KiB), up to 16 reads per event.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class TransportReadBenchmark {
    static final int BATCH_BYTES = 4 * 1024 * 1024;

    /** Bytes delivered and the calls that delivered them, per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Delivered {
        public long bytes;
        public long reads;
        /** The counter's readings when the iteration's first invocation started; -1: not yet. */
        private long startBytes = -1;
        private long startReads;
        private long lastBytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            reads = 0;
            startBytes = -1;
        }

        /** Before an invocation: at the first of an iteration, takes the counter's readings. */
        void before(ByteCounter c) {
            if (startBytes < 0) {
                startBytes = lastBytes = c.received();
                startReads = c.calls();
            }
        }

        /** After an invocation: returns the bytes since the previous one ended (gaps included). */
        long after(ByteCounter c) {
            long b = c.received();
            long moved = b - lastBytes;
            lastBytes = b;
            bytes = b - startBytes;
            reads = c.calls() - startReads;
            return moved;
        }
    }

    /** Counts what a Weft connection delivers. Loop thread only. */
    static final class WeftReader implements Protocol {
        final ByteCounter counter = new ByteCounter();
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            counter.count(data.remaining());
            data.position(data.limit());
        }
    }

    /** Counts what a Netty channel delivers. Loop thread only. */
    static final class NettyReader extends ChannelInboundHandlerAdapter {
        final ByteCounter counter = new ByteCounter();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            counter.count(b.readableBytes());
            b.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        @Param({"64", "1024", "65536"})
        public int size;

        BlockingPeer peer;
        EventLoop loop;
        WeftReader reader;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            peer = BlockingPeer.sender(size);
            loop = Peers.weftLoop();
            reader = new WeftReader();
            WeftNet.connect(loop, () -> reader, peer.address());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            peer.close(); // first: the sender would otherwise fail on the reset
            Peers.runOn(loop, () -> reader.transport.close());
            loop.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Netty {
        @Param({"64", "1024", "65536"})
        public int size;

        @Param({"nio", "epoll"})
        public String transport;

        BlockingPeer peer;
        IoEventLoopGroup group;
        Channel channel;
        NettyReader reader;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            NettyLoops flavour = NettyLoops.valueOf(transport.toUpperCase());
            peer = BlockingPeer.sender(size);
            group = flavour.group(1);
            reader = new NettyReader();
            channel = new Bootstrap().group(group).channel(flavour.socket)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(reader)
                    .connect(peer.address()).syncUninterruptibly().channel();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            peer.close();
            channel.close().syncUninterruptibly();
            Peers.shutDown(group);
        }
    }

    private static void receive(ByteCounter counter, Delivered delivered, LoopCpuMeter cpu) {
        delivered.before(counter);
        counter.expect(BATCH_BYTES);
        counter.await();
        long moved = delivered.after(counter);
        cpu.add(moved / 1024, moved);
    }

    @Benchmark
    public void weft(Weft s, Delivered delivered, LoopCpuMeter cpu) {
        receive(s.reader.counter, delivered, cpu);
    }

    @Benchmark
    public void netty(Netty s, Delivered delivered, LoopCpuMeter cpu) {
        receive(s.reader.counter, delivered, cpu);
    }
}
