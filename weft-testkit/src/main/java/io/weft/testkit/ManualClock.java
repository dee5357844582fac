package io.weft.testkit;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} whose time moves only when told to: by {@link #advance}, by {@link #set}, or,
 * in auto-jump mode, by itself when the loop it drives has nothing to do but wait for a timer.
 * Starts at zero.
 *
 * <h2>Auto-jump</h2>
 * With auto-jump on ({@link #autoJump()}, {@link #autoJump(Duration)}), a loop that would block
 * until its next timer first waits for I/O for at most the <em>real-idle threshold</em>; if
 * nothing happened by then, the clock jumps straight to that timer's deadline and the timer
 * fires. A test with a one-hour {@code callLater} finishes at once, and its timers see exact
 * deadlines. The threshold is how long real I/O (a peer thread writing to a socket, say) may
 * take before the clock gives up on it, like Trio's {@code MockClock.autojump_threshold}: zero
 * (the default) jumps at the first idle moment and suits tests whose I/O is already in flight
 * when the loop waits; a few milliseconds suit tests whose peers run on other threads.
 * An auto-jumping clock drives one loop: the jump happens on that loop's idle moments.
 *
 * <h2>Without auto-jump</h2>
 * The loop's wait for a timer never ends on its own, because this time never passes by itself.
 * So that an {@link #advance} from another thread is still noticed, the loop then waits in
 * slices of {@value #MANUAL_WAIT_SLICE_MILLIS} ms of real time and looks at the clock again
 * after each. An advance from a callback on the loop thread is seen at the next turn.
 *
 * <p>Threading: {@link #nanoTime()}, {@link #advance}, {@link #set} and the auto-jump settings
 * may be used from any thread. The idle hooks are called by the loop thread only.
 */
public final class ManualClock implements Clock {
    /** Real time a loop waits, at most, between two looks at a clock that is not auto-jumping. */
    public static final long MANUAL_WAIT_SLICE_MILLIS = 10;
    private static final long NO_AUTO_JUMP = -1;

    private final AtomicLong now = new AtomicLong();
    private final AtomicLong jumps = new AtomicLong();
    /** Real nanoseconds to wait for I/O before jumping, or {@link #NO_AUTO_JUMP}. */
    private volatile long realIdleNanos;

    // Loop thread only: the deadline the current idle wait is for.
    private boolean waitingForTimer;
    private long idleDeadline;

    /** A clock at zero that moves only by {@link #advance} and {@link #set}. */
    public ManualClock() {
        this.realIdleNanos = NO_AUTO_JUMP;
    }

    /** A clock at zero that jumps to the next timer as soon as its loop is idle. */
    public static ManualClock autoJump() {
        return autoJump(Duration.ZERO);
    }

    /**
     * A clock at zero that jumps to the next timer once its loop has waited {@code realIdle}
     * of real time without any I/O or callback arriving.
     */
    public static ManualClock autoJump(Duration realIdle) {
        ManualClock c = new ManualClock();
        c.setAutoJump(realIdle);
        return c;
    }

    // ---- reading and moving time ----

    /** The current time, nanoseconds. Any thread. */
    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves time forward by {@code by} and returns the new time. Any thread. */
    public long advance(Duration by) {
        Objects.requireNonNull(by, "by");
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock never goes backwards; cannot advance by " + by);
        }
        return now.addAndGet(by.toNanos());
    }

    /**
     * Sets the time to {@code nanos}, which must not be earlier than now. Times compare as
     * {@link System#nanoTime()} values do (by the sign of their difference), so a clock set
     * close to {@link Long#MAX_VALUE} may run past it. Any thread.
     */
    public void set(long nanos) {
        long current;
        do {
            current = now.get();
            if (nanos - current < 0) {
                throw new IllegalArgumentException("a clock never goes backwards: it is at " + current
                        + " ns, cannot set it to " + nanos + " ns; use a new ManualClock to start over");
            }
        } while (!now.compareAndSet(current, nanos));
    }

    // ---- auto-jump ----

    /**
     * Turns auto-jump on, jumping after {@code realIdle} of real time without I/O (zero: at
     * once). Takes effect at the loop's next idle wait. Any thread.
     */
    public void setAutoJump(Duration realIdle) {
        Objects.requireNonNull(realIdle, "realIdle");
        if (realIdle.isNegative()) {
            throw new IllegalArgumentException("realIdle must not be negative: " + realIdle);
        }
        this.realIdleNanos = realIdle.toNanos();
    }

    /** Turns auto-jump off; from the loop's next idle wait on, time moves only when told. */
    public void stopAutoJump() {
        this.realIdleNanos = NO_AUTO_JUMP;
    }

    /** The real-idle threshold, or empty when auto-jump is off. */
    public Optional<Duration> autoJumpThreshold() {
        long t = realIdleNanos;
        return t == NO_AUTO_JUMP ? Optional.empty() : Optional.of(Duration.ofNanos(t));
    }

    /** How many times the clock has jumped ahead by itself. Any thread. */
    public long jumps() {
        return jumps.get();
    }

    // ---- the loop's idle hooks ----

    @Override
    public long beforeIdle(long timeoutNanos) {
        waitingForTimer = false;
        if (timeoutNanos < 0) {
            return timeoutNanos; // no timer to jump to: wait for I/O or a wakeup
        }
        long realIdle = realIdleNanos;
        if (realIdle == NO_AUTO_JUMP) {
            return TimeUnit.MILLISECONDS.toNanos(MANUAL_WAIT_SLICE_MILLIS);
        }
        waitingForTimer = true;
        idleDeadline = now.get() + timeoutNanos;
        return Math.min(timeoutNanos, realIdle);
    }

    @Override
    public void afterIdle(long timeoutNanos) {
        if (!waitingForTimer) {
            return;
        }
        waitingForTimer = false;
        long deadline = idleDeadline;
        // Jump to the deadline the wait was for, not by the timeout: if another thread advanced
        // the clock meanwhile, the timer is due already and the clock stays where it is.
        long before = now.getAndUpdate(current -> deadline - current > 0 ? deadline : current);
        if (deadline - before > 0) {
            jumps.incrementAndGet();
        }
    }

    @Override
    public String toString() {
        long t = realIdleNanos;
        return "ManualClock[" + Duration.ofNanos(now.get())
                + (t == NO_AUTO_JUMP ? "" : ", auto-jump after " + Duration.ofNanos(t) + " real idle") + "]";
    }
}
