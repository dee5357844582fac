package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
import io.weft.loop.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of queueing a callback on the loop from the loop thread and running it: one
 * operation is one {@code callSoon} plus the run of its (trivial) callback, including the
 * loop's per-callback bookkeeping (ready queue, cancelled check, exception guard).
 *
 * <p>Each invocation is a batch of {@value #BATCH}: one callback on the loop queues
 * {@value #BATCH} callbacks and a last one that signals the benchmark thread. The hand-off
 * into the loop and back (a wake-up and an unpark, 5-15 microseconds) is spread over the batch,
 * where it is still a few percent; {@link #weftOnCallerThread} shows the same work without
 * any hand-off. Both loops pay the same hand-off.
 *
 * <p>Peer: Netty has no separate "call soon" for code already on the loop; its
 * {@code execute} from the loop thread is what a handler uses, and goes through the same
 * multi-producer queue as a cross-thread submit. Netty runs in-loop submissions in the same
 * task-draining pass, Weft on the next turn (after a non-blocking poll), by design.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class CallSoonBenchmark {
    static final int BATCH = 10_000;

    /** A Weft loop on its own thread. */
    @State(Scope.Benchmark)
    public static class WeftOwnThread {
        EventLoop loop;
        Signal done;
        Runnable batch;
        /** Loop thread only. */
        long ran;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            loop = Peers.weftLoop();
            done = Signal.parking();
            Runnable work = () -> ran++;
            batch = () -> {
                for (int i = 0; i < BATCH; i++) {
                    loop.callSoon(work);
                }
                loop.callSoon(done.raiser);
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.runOn(loop, () -> Peers.check(ran == expected, "weft ran " + ran + " of " + expected + " callbacks"));
            loop.close();
        }
    }

    /** A Weft loop that the benchmark thread runs itself, as {@code runForever} allows. */
    @State(Scope.Benchmark)
    public static class WeftCallerThread {
        EventLoop loop;
        Runnable batch;
        long ran;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            loop = EventLoop.create(Peers.weftConfig());
            Runnable work = () -> ran++;
            batch = () -> {
                for (int i = 0; i < BATCH; i++) {
                    loop.callSoon(work);
                }
                loop.callSoon(loop::stop);
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.check(ran == expected, "weft (caller thread) ran " + ran + " of " + expected + " callbacks");
            loop.close();
        }
    }

    /** One Netty 4.2 NIO event loop. */
    @State(Scope.Benchmark)
    public static class NettyLoop {
        IoEventLoopGroup group;
        io.netty.channel.EventLoop loop;
        Signal done;
        Runnable batch;
        long ran;
        long expected;

        @Setup(Level.Trial)
        public void setUp() {
            group = Peers.nettyGroup();
            loop = group.next();
            done = Signal.parking();
            Runnable work = () -> ran++;
            batch = () -> {
                for (int i = 0; i < BATCH; i++) {
                    loop.execute(work);
                }
                loop.execute(done.raiser);
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.runOn(loop, () -> Peers.check(ran == expected, "netty ran " + ran + " of " + expected + " tasks"));
            Peers.shutDown(group);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void weft(WeftOwnThread s, CpuMeter cpu) {
        cpu.add(BATCH);
        s.expected += BATCH;
        s.done.reset();
        s.loop.execute(s.batch);
        s.done.await();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void weftOnCallerThread(WeftCallerThread s, CpuMeter cpu) {
        cpu.add(BATCH);
        s.expected += BATCH;
        // execute() rather than callSoon(): it does not care which thread owned the loop last,
        // and runForever() makes this thread the owner. It costs one atomic swap per batch.
        s.loop.execute(s.batch);
        s.loop.runForever();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void nettyExecuteInLoop(NettyLoop s, CpuMeter cpu) {
        cpu.add(BATCH);
        s.expected += BATCH;
        s.done.reset();
        s.loop.execute(s.batch);
        s.done.await();
    }
}
