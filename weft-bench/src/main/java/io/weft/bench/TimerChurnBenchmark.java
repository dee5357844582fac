package io.weft.bench;

import io.netty.channel.IoEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.ScheduledFuture;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Queue;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Timer churn with a million timers pending: the idle-timeout reset of a server with a million
 * connections. One operation is "cancel one pending timer, schedule its replacement": the timer
 * cancelled is picked uniformly among the million (whichever connection just had traffic), the
 * replacement is due one idle timeout ({@value #IDLE_MINUTES} minutes) from now. Set-up spreads
 * the initial deadlines over the second half of the timeout, as if the connections had last
 * been active at different times. No timer ever fires during a run; the checks at tear-down
 * make sure of that and that cancelled timers really left the queue. ({@code pendingTimers}
 * is a parameter, a million by default; {@code -p pendingTimers=1000,1000000} shows how the
 * cost grows with the size of the queue.)
 *
 * <p>What each peer measures:
 * <ul>
 *   <li>{@link #weft}: {@code callLater} + {@code TimerHandle.cancel} on the loop thread, as
 *       code in a callback does it; cancel removes the timer from the 4-ary heap at once.</li>
 *   <li>{@link #nettyEventLoop}: {@code EventLoop.schedule} + {@code ScheduledFuture.cancel}
 *       on the loop thread, as a Netty handler does it; cancel removes the task from the
 *       binary heap at once.</li>
 *   <li>{@link #hashedWheelTimer}: {@code newTimeout} + {@code Timeout.cancel} from the
 *       benchmark thread, the way it is meant to be called (from any thread). Both only queue
 *       work for the timer's own worker thread, which files new timeouts into buckets (at most
 *       100,000 per tick) and unlinks cancelled ones, concurrently, on the other core. So this
 *       peer uses up to two cores where the loops use one. Its benchmark thread waits whenever
 *       the worker is more than {@value #MAX_BACKLOG} new timeouts behind, so the score is a
 *       rate the timer can sustain, not the rate at which an unbounded queue can be filled.
 *       {@code tickMillis} is the wheel's tick; 100 ms is Netty's default, and caps the
 *       sustained rate at one million new timeouts per second by itself.</li>
 * </ul>
 * For the two loops an invocation is one callback running {@value #PAIRS} operations; the
 * hand-off into the loop and back is spread over them (and is under 0.2% of the time).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
public class TimerChurnBenchmark {
    /** The number of pending timers; a parameter so that a run can show how cost grows with it. */
    static final String PENDING = "1000000";
    static final int PAIRS = 10_000;
    static final int IDLE_MINUTES = 60;
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(IDLE_MINUTES);
    static final long IDLE_NANOS = IDLE_TIMEOUT.toNanos();
    static final int MAX_BACKLOG = 100_000;

    /** The delay of an initial timer: somewhere in the second half of the idle timeout. */
    static long initialDelay(Slots slots) {
        return IDLE_NANOS / 2 + slots.nextBelow(IDLE_NANOS / 2);
    }

    @State(Scope.Benchmark)
    public static class WeftTimers {
        EventLoop loop;
        @Param(PENDING)
        public int pendingTimers;

        TimerHandle[] pending;
        Slots slots;
        final Signal done = Signal.parking();
        Runnable batch;
        /** Loop thread only. */
        long fired;

        @Setup(Level.Trial)
        public void setUp() {
            pending = new TimerHandle[pendingTimers];
            slots = new Slots(pendingTimers);
            loop = Peers.weftLoop();
            Runnable onTimeout = () -> fired++;
            Peers.runOn(loop, () -> {
                long now = loop.time();
                for (int i = 0; i < pendingTimers; i++) {
                    pending[i] = loop.callAt(now + initialDelay(slots), onTimeout);
                }
            });
            batch = () -> {
                for (int k = 0; k < PAIRS; k++) {
                    int i = slots.next();
                    pending[i].cancel();
                    pending[i] = loop.callLater(IDLE_TIMEOUT, onTimeout);
                }
                done.raise();
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.runOn(loop, () -> {
                Peers.check(fired == 0, "weft: " + fired + " timers fired");
                int queued = loop.stats().pendingTimers();
                Peers.check(queued == pendingTimers, "weft: " + queued + " timers queued, expected " + pendingTimers);
            });
            loop.close();
        }
    }

    @State(Scope.Benchmark)
    public static class NettyTimers {
        IoEventLoopGroup group;
        io.netty.channel.EventLoop loop;
        @Param(PENDING)
        public int pendingTimers;

        ScheduledFuture<?>[] pending;
        Slots slots;
        final Signal done = Signal.parking();
        Runnable batch;
        long fired;

        @Setup(Level.Trial)
        public void setUp() {
            pending = new ScheduledFuture<?>[pendingTimers];
            slots = new Slots(pendingTimers);
            group = Peers.nettyGroup();
            loop = group.next();
            Runnable onTimeout = () -> fired++;
            Peers.runOn(loop, () -> {
                for (int i = 0; i < pendingTimers; i++) {
                    pending[i] = loop.schedule(onTimeout, initialDelay(slots), TimeUnit.NANOSECONDS);
                }
            });
            batch = () -> {
                for (int k = 0; k < PAIRS; k++) {
                    int i = slots.next();
                    pending[i].cancel(false);
                    pending[i] = loop.schedule(onTimeout, IDLE_NANOS, TimeUnit.NANOSECONDS);
                }
                done.raise();
            };
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Peers.runOn(loop, () -> {
                Peers.check(fired == 0, "netty: " + fired + " timers fired");
                for (ScheduledFuture<?> f : pending) {
                    Peers.check(!f.isDone(), "netty: a pending timer is done");
                }
            });
            Peers.shutDown(group);
        }
    }

    @State(Scope.Benchmark)
    public static class WheelTimers {
        @Param(PENDING)
        public int pendingTimers;

        @Param({"100", "10"})
        public int tickMillis;

        HashedWheelTimer timer;
        /** The worker's queue of new timeouts, to keep the benchmark within what it sustains. */
        Queue<?> backlog;
        Timeout[] pending;
        Slots slots;
        volatile long fired;
        final TimerTask onTimeout = t -> fired++;

        @Setup(Level.Trial)
        public void setUp() throws ReflectiveOperationException {
            pending = new Timeout[pendingTimers];
            slots = new Slots(pendingTimers);
            timer = new HashedWheelTimer(tickMillis, TimeUnit.MILLISECONDS);
            timer.start();
            // Why reflection: the timer has no public measure of how far its worker is behind,
            // and without one the benchmark would only measure filling an unbounded queue.
            Field f = HashedWheelTimer.class.getDeclaredField("timeouts");
            f.setAccessible(true);
            backlog = (Queue<?>) f.get(timer);
            for (int i = 0; i < pendingTimers; i++) {
                pending[i] = timer.newTimeout(onTimeout, initialDelay(slots), TimeUnit.NANOSECONDS);
                throttle(this);
            }
            while (!backlog.isEmpty()) {
                LockSupport.parkNanos(1_000_000);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The worker drops cancelled timeouts once per tick; give it a few.
            while (timer.pendingTimeouts() != pendingTimers && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(1_000_000);
            }
            Peers.check(fired == 0, "wheel: " + fired + " timers fired");
            Peers.check(timer.pendingTimeouts() == pendingTimers,
                    "wheel: " + timer.pendingTimeouts() + " timeouts pending, expected " + pendingTimers);
            timer.stop();
        }
    }

    /** Waits while the wheel's worker is more than {@link #MAX_BACKLOG} new timeouts behind. */
    static void throttle(WheelTimers s) {
        while (s.backlog.size() > MAX_BACKLOG) {
            LockSupport.parkNanos(100_000);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void weft(WeftTimers s, CpuMeter cpu) {
        cpu.add(PAIRS);
        s.done.reset();
        s.loop.execute(s.batch);
        s.done.await();
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void nettyEventLoop(NettyTimers s, CpuMeter cpu) {
        cpu.add(PAIRS);
        s.done.reset();
        s.loop.execute(s.batch);
        s.done.await();
    }

    @Benchmark
    @OperationsPerInvocation(PAIRS)
    public void hashedWheelTimer(WheelTimers s, CpuMeter cpu) {
        cpu.add(PAIRS);
        Timeout[] pending = s.pending;
        for (int k = 0; k < PAIRS; k++) {
            int i = s.slots.next();
            pending[i].cancel();
            pending[i] = s.timer.newTimeout(s.onTimeout, IDLE_NANOS, TimeUnit.NANOSECONDS);
        }
        throttle(s);
    }
}
