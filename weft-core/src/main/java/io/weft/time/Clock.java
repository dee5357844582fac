package io.weft.time;

/**
 * The monotonic time source of an event loop, in nanoseconds.
 *
 * <p>Only {@link #system()} reads {@link System#nanoTime()}; everything else in Weft asks the
 * loop's clock, so a test can substitute a manual clock and move time by hand (see
 * {@code io.weft.testkit.ManualClock}).
 *
 * <p>Threading: {@link #nanoTime()} may be called from any thread. The two idle hooks are
 * called only by the loop thread that owns the clock.
 */
public interface Clock {

    /** Current time in nanoseconds, on an arbitrary but fixed origin. Never goes backwards. */
    long nanoTime();

    /**
     * Called by the loop just before it blocks waiting for I/O. {@code timeoutNanos} is how long
     * the loop intends to wait: until its next timer, or {@code -1} for "until I/O arrives".
     * Returns how long the loop should really block. The system clock returns its argument; a
     * manual clock may shorten the real wait so that it can jump ahead instead.
     */
    default long beforeIdle(long timeoutNanos) {
        return timeoutNanos;
    }

    /**
     * Called by the loop when a wait returned with nothing to do: no I/O became ready, no
     * callback was queued and no stop was requested. {@code timeoutNanos} is the wait the loop
     * had asked for in {@link #beforeIdle}. A manual clock with auto-jump advances itself by
     * that much here.
     */
    default void afterIdle(long timeoutNanos) {
    }

    /** The real monotonic clock. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
