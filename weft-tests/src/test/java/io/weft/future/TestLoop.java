package io.weft.future;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * An event loop on an auto-jumping {@link ManualClock} that records what reaches its exception handler. The loop
 * is created on first use, so that it belongs to the thread that runs the test (with JUnit's
 * separate-thread timeouts, not the one that constructs the test class); that thread drives it
 * with {@link #run}, {@link #turns} and {@link #runUntil}.
 */
final class TestLoop implements AutoCloseable {
    /** One call of the loop's exception handler. */
    record Report(String context, Throwable error) {
    }

    final ManualClock clock = newClock();
    final List<Report> reports = new CopyOnWriteArrayList<>();
    private EventLoop loop;

    /** The loop, created by (and so owned by) the first thread that asks. */
    EventLoop loop() {
        if (loop == null) {
            loop = EventLoop.create(baseConfig()
                    .clock(clock)
                    .exceptionHandler((l, context, error) -> reports.add(new Report(context, error)))
                    .build());
        }
        return loop;
    }

    /**
     * A clock that moves only when a test calls {@link ManualClock#advance}, or when the loop
     * has nothing to do but wait for its next timer, in which case it jumps straight there
     * instead of sleeping. A loop waiting for I/O or other threads (no timer) still blocks for
     * real. It starts at an arbitrary time, not zero: no code may take time zero for "unset".
     */
    static ManualClock newClock() {
        ManualClock clock = ManualClock.autoJump();
        clock.set(Duration.ofSeconds(1).toNanos());
        return clock;
    }

    /** The defaults with debug mode off: WEFT_DEBUG in the environment must not change the tests. */
    static LoopConfig.Builder baseConfig() {
        return LoopConfig.builder().debug(false);
    }

    <T> Promise<T> promise() {
        return loop().newPromise();
    }

    /** Runs the loop until {@code p} is done; its value, or its failure thrown as join() does. */
    <T> T run(Promise<T> p) {
        return loop().runUntilComplete(p);
    }

    /**
     * Runs exactly {@code n} turns. Each turn has a callback ready, so the clock never jumps:
     * timers fire only if the test advanced the clock past them.
     */
    void turns(int n) {
        for (int i = 0; i < n; i++) {
            EventLoop l = loop();
            l.callSoon(l::stop);
            l.runForever();
        }
    }

    /**
     * Runs turns until {@code condition} holds, failing after 10,000. Never waits for other
     * threads or jumps the clock: for work already handed to the loop.
     */
    void runUntil(BooleanSupplier condition) {
        for (int i = 0; i < 10_000 && !condition.getAsBoolean(); i++) {
            turns(1);
        }
        assertThat(condition.getAsBoolean()).as("condition still false after 10,000 turns").isTrue();
    }

    @Override
    public void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
