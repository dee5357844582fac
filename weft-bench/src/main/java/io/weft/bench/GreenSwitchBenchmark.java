package io.weft.bench;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Park/unpark round trip between two virtual threads that take turns: A unparks B and parks,
 * B unparks A and parks. One operation is one round trip (two switches).
 *
 * <p>{@code weftLoop}: both are green threads of one Weft loop, so every switch is a callback
 * on the loop thread (the continuation handed to the loop's scheduler), with no cross-thread
 * hand-off at all. {@code jdkDefaultScheduler}: plain virtual threads on the JDK's ForkJoinPool
 * scheduler, where a switch may cross carrier threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class GreenSwitchBenchmark {
    static final int ROUND_TRIPS = 10_000;

    EventLoop loop;

    @Setup(Level.Trial)
    public void setUp() {
        loop = EventLoop.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    /** The two players: shared turn flag, each knows the other. */
    static final class Table {
        volatile int turn;
        volatile Thread a;
        volatile Thread b;

        void play(int me, int n) {
            for (int i = 0; i < n; i++) {
                while (turn != me) {
                    LockSupport.park();
                }
                turn = 1 - me;
                LockSupport.unpark(me == 0 ? b : a);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void weftLoop() {
        Table t = new Table();
        Promise<Void> pa = loop.spawn(() -> {
            t.a = Thread.currentThread();
            t.play(0, ROUND_TRIPS);
            return null;
        });
        Promise<Void> pb = loop.spawn(() -> {
            t.b = Thread.currentThread();
            t.play(1, ROUND_TRIPS);
            return null;
        });
        loop.runUntilComplete(Promise.all(loop, List.of(pa, pb)));
    }

    @Benchmark
    @OperationsPerInvocation(ROUND_TRIPS)
    public void jdkDefaultScheduler() throws InterruptedException {
        Table t = new Table();
        Thread a = Thread.ofVirtual().unstarted(() -> t.play(0, ROUND_TRIPS));
        Thread b = Thread.ofVirtual().unstarted(() -> t.play(1, ROUND_TRIPS));
        t.a = a;
        t.b = b;
        a.start();
        b.start();
        a.join();
        b.join();
    }
}
