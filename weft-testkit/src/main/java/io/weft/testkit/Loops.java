package io.weft.testkit;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Running a loop from a test for a bounded while: until a future completes (with a limit of
 * real time, so a broken test fails instead of hanging), or for an exact number of turns.
 *
 * <p>Threading: like {@link EventLoop#runForever()}, on the thread that may run the loop.
 */
public final class Loops {
    private Loops() {
    }

    /**
     * Runs {@code loop} until {@code future} is done and returns its value, as
     * {@link EventLoop#runUntilComplete} does, but fails with {@link AssertionError} once
     * {@code realLimit} of real time has passed. The limit is a safety net, never a way to wait
     * for a timer: use a {@link ManualClock} for that.
     */
    public static <T> T runUntilComplete(EventLoop loop, Promise<T> future, Duration realLimit) {
        Objects.requireNonNull(future, "future");
        AtomicBoolean expired = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("weft-test-watchdog").start(() -> {
            try {
                Thread.sleep(realLimit);
                expired.set(true);
                loop.stop();
            } catch (InterruptedException e) {
                // the future completed in time
            }
        });
        try {
            return loop.runUntilComplete(future);
        } catch (IllegalStateException e) {
            if (expired.get() && !future.isDone()) {
                throw new AssertionError("still not done after " + realLimit.toMillis() + " ms of real time: " + future, e);
            }
            throw e;
        } finally {
            watchdog.interrupt();
        }
    }

    /**
     * Runs exactly {@code turns} turns of {@code loop} and returns. A callback of this method is
     * queued every turn, so the loop never blocks: due timers fire and queued callbacks run, but
     * I/O is not necessarily looked at in every turn (a busy loop asks the kernel only every few
     * tens of microseconds). To wait for I/O, complete a promise from the reader and use
     * {@link #runUntilComplete}.
     */
    public static void runTurns(EventLoop loop, int turns) {
        if (turns < 1) {
            throw new IllegalArgumentException("turns must be positive: " + turns);
        }
        loop.callSoon(new Runnable() {
            private int left = turns;

            @Override
            public void run() {
                if (--left > 0) {
                    loop.callSoon(this);
                } else {
                    loop.stop();
                }
            }

            @Override
            public String toString() {
                return "Loops.runTurns(" + turns + ")";
            }
        });
        loop.runForever();
    }
}
