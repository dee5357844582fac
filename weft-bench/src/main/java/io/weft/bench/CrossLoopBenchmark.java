package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.loop.LoopStats;
import java.util.List;
import java.util.concurrent.Executor;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Messages between two loops of one group, by {@code execute}: how loops that share nothing
 * talk (a connection on loop A handing work to loop B).
 *
 * <ul>
 *   <li><b>rate</b> ({@code weftRate}, {@code nettyRate}): a callback on loop A sends
 *       {@value #MESSAGES} messages to loop B ({@code b.execute(count)}, the same
 *       {@link Runnable} each time), then one that signals the benchmark thread; B counts them.
 *       One operation is one message. A and B run on the two cores at once, so this is the
 *       rate of the slower side: A's enqueue or B's dequeue-and-run. B wakes once per burst
 *       or less (both loops coalesce wake-ups).</li>
 *   <li><b>ping-pong</b> ({@code weftPingPong}, {@code nettyPingPong}): A sends to B a
 *       message that sends one back to A, which then sends the next: one operation is a
 *       round trip A&rarr;B&rarr;A, {@value #ROUND_TRIPS} per invocation, in microseconds.
 *       Each hop finds the other loop asleep in {@code epoll_wait}, so it is two selector
 *       wake-ups; {@link Latencies} prints the percentiles.</li>
 * </ul>
 * Weft's loops come from {@code LoopGroup.start(2, ...)}; Netty's from one
 * {@code MultiThreadIoEventLoopGroup} of two NIO or epoll loops. {@link LoopCpuMeter} prints
 * the CPU time per operation of the loop threads and of the process.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class CrossLoopBenchmark {
    static final int MESSAGES = 10_000;
    static final int ROUND_TRIPS = 1000;

    /** The messages and their bookkeeping, the same for both libraries. */
    abstract static class Traffic {
        final Latencies latencies = new Latencies();
        final Signal done = Signal.parking();
        /** Loop B only. */
        long counted;
        /** Loop A only. */
        private int left;
        private long sentAt;
        long roundTrips;
        /** Benchmark thread only. */
        long expectedMessages;
        long expectedRoundTrips;

        private final Runnable count = () -> counted++;
        final Runnable burst = this::burst;
        final Runnable startPingPong = this::startPingPong;
        private final Runnable pong = this::pong;
        private final Runnable ping = () -> a().execute(pong);

        abstract Executor a();

        abstract Executor b();

        private void burst() {
            Executor b = b();
            for (int i = 0; i < MESSAGES; i++) {
                b.execute(count);
            }
            b.execute(done.raiser);
        }

        private void startPingPong() {
            left = ROUND_TRIPS;
            sentAt = System.nanoTime();
            b().execute(ping);
        }

        private void pong() {
            long now = System.nanoTime();
            latencies.record(now - sentAt);
            roundTrips++;
            if (--left > 0) {
                sentAt = now;
                b().execute(ping);
            } else {
                done.raise();
            }
        }

        void check(String who) {
            Peers.runOn(b(), () -> Peers.check(counted == expectedMessages,
                    who + " counted " + counted + " of " + expectedMessages + " messages"));
            Peers.runOn(a(), () -> Peers.check(roundTrips == expectedRoundTrips,
                    who + " made " + roundTrips + " of " + expectedRoundTrips + " round trips"));
        }
    }

    @State(Scope.Benchmark)
    public static class Weft extends Traffic {
        LoopGroup group;
        EventLoop loopA;
        EventLoop loopB;

        @Override
        Executor a() {
            return loopA;
        }

        @Override
        Executor b() {
            return loopB;
        }

        @Setup(Level.Trial)
        public void setUp() {
            group = LoopGroup.start(2, Peers.weftConfig());
            loopA = group.loops().get(0);
            loopB = group.loops().get(1);
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            latencies.startIteration(iteration);
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams benchmark) {
            check("weft");
            latencies.report(benchmark.getBenchmark());
            LoopStats b = loopB.stats();
            System.out.printf("weft loop B: %d callbacks, %d wake-ups (%.4f per callback)%n",
                    b.callbacksRun(), b.wakeups(), (double) b.wakeups() / Math.max(1, b.callbacksRun()));
            group.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Netty extends Traffic {
        @Param({"nio", "epoll"})
        public String transport;

        IoEventLoopGroup group;
        io.netty.channel.EventLoop loopA;
        io.netty.channel.EventLoop loopB;

        @Override
        Executor a() {
            return loopA;
        }

        @Override
        Executor b() {
            return loopB;
        }

        @Setup(Level.Trial)
        public void setUp() {
            group = NettyLoops.valueOf(transport.toUpperCase()).group(2);
            List<io.netty.channel.EventLoop> loops = NettyLoops.loops(group);
            loopA = loops.get(0);
            loopB = loops.get(1);
        }

        @Setup(Level.Iteration)
        public void startIteration(IterationParams iteration) {
            latencies.startIteration(iteration);
        }

        @TearDown(Level.Trial)
        public void tearDown(BenchmarkParams benchmark) {
            check("netty");
            latencies.report(benchmark.getBenchmark() + " " + transport);
            Peers.shutDown(group);
        }
    }

    private static void rate(Traffic t, LoopCpuMeter cpu) {
        t.expectedMessages += MESSAGES;
        t.done.reset();
        t.a().execute(t.burst);
        t.done.await();
        cpu.add(MESSAGES, 0);
    }

    private static void pingPong(Traffic t, LoopCpuMeter cpu) {
        t.expectedRoundTrips += ROUND_TRIPS;
        t.done.reset();
        t.a().execute(t.startPingPong);
        t.done.await();
        cpu.add(ROUND_TRIPS, 0);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MESSAGES)
    public void weftRate(Weft s, LoopCpuMeter cpu) {
        rate(s, cpu);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MESSAGES)
    public void nettyRate(Netty s, LoopCpuMeter cpu) {
        rate(s, cpu);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ROUND_TRIPS)
    public void weftPingPong(Weft s, LoopCpuMeter cpu) {
        pingPong(s, cpu);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(ROUND_TRIPS)
    public void nettyPingPong(Netty s, LoopCpuMeter cpu) {
        pingPong(s, cpu);
    }
}
