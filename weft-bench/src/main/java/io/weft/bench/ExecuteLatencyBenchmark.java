package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopStats;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Cross-thread hand-off latency: the benchmark thread calls {@code execute(task)} on an idle
 * executor and waits until the task has run on the executor's thread and signalled back. One
 * operation is that round trip. Between operations the executor's thread has nothing to do,
 * so every operation pays for waking it: for the two event loops a selector wake-up (a write
 * to the selector's wake-up descriptor, then return from {@code epoll_wait}), for the thread
 * pool a futex wake of a parked thread.
 *
 * <p>{@code waiting} is how the benchmark thread waits for the signal: {@code spin} measures
 * the hand-off alone; {@code park} adds the wake-up of the caller (one more futex wake), as a
 * blocked caller sees it.
 *
 * <p>Peers: Netty 4.2's NIO event loop {@code execute}, and as the baseline a JDK
 * {@link ThreadPoolExecutor} with one thread and a {@link LinkedBlockingQueue}, which needs no
 * selector at all.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class ExecuteLatencyBenchmark {

    /** How the benchmark thread waits; shared by every benchmark here. */
    @State(Scope.Thread)
    public static class Waiting {
        @Param({"spin", "park"})
        public String waiting;

        Signal signal;

        @Setup(Level.Trial)
        public void setUp() {
            signal = Signal.of(waiting);
        }
    }

    @State(Scope.Benchmark)
    public static class WeftLoop {
        EventLoop loop;

        @Setup(Level.Trial)
        public void setUp() {
            loop = Peers.weftLoop();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            // Wake-ups per callback say whether each round trip cost one wake-up system call
            // (the loop was asleep every time) or fewer (it was still awake when the next came).
            LoopStats stats = loop.stats();
            System.out.printf("weft loop: %d callbacks, %d turns, %d wake-ups (%.2f per callback)%n",
                    stats.callbacksRun(), stats.turns(), stats.wakeups(),
                    (double) stats.wakeups() / Math.max(1, stats.callbacksRun()));
            loop.close();
        }
    }

    @State(Scope.Benchmark)
    public static class NettyLoop {
        IoEventLoopGroup group;
        io.netty.channel.EventLoop loop;

        @Setup(Level.Trial)
        public void setUp() {
            group = Peers.nettyGroup();
            loop = group.next();
            Peers.runOn(loop, () -> { }); // start the loop's thread now, not in the first sample
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.shutDown(group);
        }
    }

    @State(Scope.Benchmark)
    public static class SingleThreadPool {
        ThreadPoolExecutor pool;

        @Setup(Level.Trial)
        public void setUp() {
            pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            pool.prestartCoreThread();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            pool.shutdown();
            Peers.check(pool.awaitTermination(10, TimeUnit.SECONDS), "thread pool did not terminate");
        }
    }

    static void roundTrip(Executor executor, Signal signal) {
        signal.reset();
        executor.execute(signal.raiser);
        signal.await();
    }

    @Benchmark
    public void weft(WeftLoop s, Waiting w) {
        roundTrip(s.loop, w.signal);
    }

    @Benchmark
    public void nettyEventLoop(NettyLoop s, Waiting w) {
        roundTrip(s.loop, w.signal);
    }

    @Benchmark
    public void threadPoolExecutor(SingleThreadPool s, Waiting w) {
        roundTrip(s.pool, w.signal);
    }
}
