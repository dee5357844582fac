package io.weft.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
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
 * The write path of a TCP connection on loopback: a loop writes {@code size}-byte messages,
 * each sent at once ({@code Transport.write} in Weft, {@code writeAndFlush} in Netty: one
 * {@code write(2)} per message while the socket takes them), obeying flow control: it stops
 * at the high-water mark (Weft {@code pauseWriting}, Netty {@code isWritable() == false}) and
 * goes on at the low one. Both sides use 64 KiB / 16 KiB water marks and TCP_NODELAY.
 * Netty also runs with {@code flush=burst}: {@code write} per message and one {@code flush}
 * after each run of writes (until unwritable or the batch is done), which is how a Netty
 * handler producing many messages at once would do it; Weft has no such call, since its
 * {@code write} sends at once and only packs messages while the socket is full.
 *
 * <p>One invocation is {@value #BATCH_BYTES} bytes: the benchmark thread hands the loop a
 * batch and waits until the far end has received every byte. The far end is a
 * {@link BlockingPeer} thread draining into a 64 KiB buffer, the same for every peer, so the
 * difference between peers is the writer. The aux counters {@code bytes} and {@code messages}
 * are per second; {@link LoopCpuMeter} prints the CPU time per message of the loop thread
 * (the writer alone), of the draining thread and of the whole process.
 *
 * <p>The message buffers are what a user of each library would write: in Weft a heap
 * {@link ByteBuffer} (the JDK copies it into a direct buffer for the system call), in Netty a
 * pooled direct {@link ByteBuf} from the channel's allocator that the payload is copied into.
 * So each peer copies the payload once per message before the kernel does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class TransportWriteBenchmark {
    static final int BATCH_BYTES = 4 * 1024 * 1024;

    /** Bytes and messages the invocations moved; JMH reports them per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Moved {
        public long bytes;
        public long messages;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            messages = 0;
        }
    }

    /** Writes batches of messages on a Weft connection, obeying pause/resume. Loop thread only. */
    static final class WeftWriter implements Protocol {
        private final ByteBuffer message;
        private final int perBatch;
        private Transport transport;
        private boolean paused;
        private int left;
        long written;
        /** Starts one batch; handed to the loop by the benchmark thread. */
        final Runnable batch = this::startBatch;

        WeftWriter(int size, int perBatch) {
            this.message = ByteBuffer.wrap(new byte[size]);
            this.perBatch = perBatch;
        }

        Transport transport() {
            return transport;
        }

        private void startBatch() {
            left += perBatch;
            writeSome();
        }

        private void writeSome() {
            while (left > 0 && !paused) {
                message.clear();
                transport.write(message);
                written += message.capacity();
                left--;
            }
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            data.position(data.limit());
        }

        @Override
        public void pauseWriting() {
            paused = true;
        }

        @Override
        public void resumeWriting() {
            paused = false;
            writeSome();
        }
    }

    /** The same for a Netty channel. Loop thread only. */
    static final class NettyWriter extends ChannelInboundHandlerAdapter {
        private final byte[] payload;
        private final int perBatch;
        private final boolean flushEach;
        private ChannelHandlerContext ctx;
        private int left;
        long written;
        final Runnable batch = this::startBatch;

        NettyWriter(int size, int perBatch, boolean flushEach) {
            this.payload = new byte[size];
            this.perBatch = perBatch;
            this.flushEach = flushEach;
        }

        private void startBatch() {
            left += perBatch;
            writeSome();
        }

        private void writeSome() {
            Channel ch = ctx.channel();
            boolean unflushed = false;
            while (left > 0 && ch.isWritable()) {
                ByteBuf b = ctx.alloc().directBuffer(payload.length);
                b.writeBytes(payload);
                if (flushEach) {
                    ctx.writeAndFlush(b, ctx.voidPromise());
                } else {
                    ctx.write(b, ctx.voidPromise());
                    unflushed = true;
                }
                written += payload.length;
                left--;
            }
            if (unflushed) {
                ctx.flush();
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeSome();
            ctx.fireChannelWritabilityChanged();
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

        /** The backend: epoll coalesces a turn's writes after the first into one writev; nio sends each at once. */
        @Param({"nio", "epoll"})
        public String poller;

        BlockingPeer peer;
        EventLoop loop;
        WeftWriter writer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            peer = BlockingPeer.drainer();
            loop = Peers.weftLoop(io.weft.loop.PollerKind.parse(poller));
            writer = new WeftWriter(size, BATCH_BYTES / size);
            WeftNet.connect(loop, () -> writer, peer.address());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            long[] written = new long[1];
            Peers.runOn(loop, () -> {
                written[0] = writer.written;
                writer.transport().close();
            });
            Peers.check(peer.counter().received() == written[0],
                    "the drainer got " + peer.counter().received() + " of " + written[0] + " bytes");
            peer.close();
            loop.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Netty {
        @Param({"64", "1024", "65536"})
        public int size;

        @Param({"nio", "epoll"})
        public String transport;

        /** {@code each}: {@code writeAndFlush} per message, as Weft sends; {@code burst}: one flush per run of writes. */
        @Param({"each", "burst"})
        public String flush;

        BlockingPeer peer;
        IoEventLoopGroup group;
        Channel channel;
        NettyWriter writer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            NettyLoops flavour = NettyLoops.valueOf(transport.toUpperCase());
            peer = BlockingPeer.drainer();
            group = flavour.group(1);
            writer = new NettyWriter(size, BATCH_BYTES / size, switch (flush) {
                case "each" -> true;
                case "burst" -> false;
                default -> throw new IllegalArgumentException("flush must be each or burst, not " + flush);
            });
            channel = new Bootstrap().group(group).channel(flavour.socket)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WeftNet.LOW_WATER, WeftNet.HIGH_WATER))
                    .handler(writer)
                    .connect(peer.address()).syncUninterruptibly().channel();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            long[] written = new long[1];
            Peers.runOn(channel.eventLoop(), () -> written[0] = writer.written);
            Peers.check(peer.counter().received() == written[0],
                    "the drainer got " + peer.counter().received() + " of " + written[0] + " bytes");
            channel.close().syncUninterruptibly();
            peer.close();
            Peers.shutDown(group);
        }
    }

    /** One batch: hand it to the loop, wait until the drainer has all of it. */
    private static void batch(BlockingPeer peer, Runnable start, java.util.concurrent.Executor loop, int size,
            Moved moved, LoopCpuMeter cpu) {
        ByteCounter counter = peer.counter();
        counter.expect(BATCH_BYTES);
        loop.execute(start);
        counter.await();
        int messages = BATCH_BYTES / size;
        moved.bytes += BATCH_BYTES;
        moved.messages += messages;
        cpu.add(messages, BATCH_BYTES);
    }

    @Benchmark
    public void weft(Weft s, Moved moved, LoopCpuMeter cpu) {
        batch(s.peer, s.writer.batch, s.loop, s.size, moved, cpu);
    }

    @Benchmark
    public void netty(Netty s, Moved moved, LoopCpuMeter cpu) {
        batch(s.peer, s.writer.batch, s.channel.eventLoop(), s.size, moved, cpu);
    }
}
