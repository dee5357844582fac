package io.weft.future;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loop clock for these tests: time moves only when a test calls {@link #advance}, or when the
 * loop has nothing to do but wait for its next timer, in which case it jumps straight there
 * instead of sleeping. A loop waiting for I/O or other threads (no timer) still blocks for real.
 *
 * <p>Core tests cannot use the test kit's manual clock (the test kit depends on core), hence
 * this one. Threading: any thread.
 */
final class TestClock implements Clock {
    private final AtomicLong now = new AtomicLong(1_000_000_000L); // arbitrary, not zero

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Override
    public long beforeIdle(long timeoutNanos) {
        return timeoutNanos > 0 ? 0 : timeoutNanos; // never sleep for a timer...
    }

    @Override
    public void afterIdle(long timeoutNanos) {
        if (timeoutNanos > 0) {
            now.addAndGet(timeoutNanos); // ...jump to it
        }
    }
}
