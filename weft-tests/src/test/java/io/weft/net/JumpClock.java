package io.weft.net;

import io.weft.time.Clock;

/**
 * A test clock that runs at real speed while the loop is busy and jumps ahead while it is
 * idle: when the loop would wait for a timer and nothing happens within a short real grace
 * period, the clock advances straight to that timer.
 *
 * <p>Timeouts of seconds thus fire in milliseconds, and in the order their deadlines say. The
 * grace period is what keeps real sockets honest: a byte already on its way over loopback
 * arrives well within it, so the clock never skips past I/O that is in flight. Work on other
 * threads (a name lookup, a blocking peer) gets no such promise: a test that waits for it must
 * not also have a timer pending that it does not want to fire.
 */
final class JumpClock implements Clock {
    private final long graceNanos;
    private volatile long skew;

    JumpClock(long graceMillis) {
        this.graceNanos = graceMillis * 1_000_000L;
    }

    @Override
    public long nanoTime() {
        return Clock.system().nanoTime() + skew;
    }

    @Override
    public long beforeIdle(long timeoutNanos) {
        return timeoutNanos < 0 ? timeoutNanos : Math.min(timeoutNanos, graceNanos);
    }

    @Override
    public void afterIdle(long timeoutNanos) {
        if (timeoutNanos > graceNanos) {
            skew += timeoutNanos - graceNanos; // the grace period itself passed for real
        }
    }
}
