package io.weft.cli.testing;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told: give it to a server's loop, move it with {@link #advance},
 * then run anything on the loop (which wakes it) to let the timers now due fire.
 */
public final class ManualClock implements Clock {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
