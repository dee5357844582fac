package io.weft.testkit;

import io.weft.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} for tests: time moves only when told to (by {@link #advance}, by {@link #set},
 * or, in auto-jump mode, by itself when the loop it drives has nothing to do but wait for a
 * timer), or, made by {@link #realTimeWithAutoJump}, at real speed plus those jumps. Starts at
 * zero.
 *
 * <h2>Which clock to use</h2>
 * <ul>
 * <li>{@code new ManualClock()}: the test moves time by hand, typically from its own thread
 *     while a started loop serves real clients ("advance 5 minutes, then this client is dropped
 *     for being idle"). Nothing fires that the test did not move time for.
 * <li>{@link #autoJump()}: the test thread runs the loop and every byte the test waits for is
 *     already in flight when the loop goes idle (loopback I/O written before the loop runs, or
 *     nothing but timers). Time stands still while the loop works, so durations the code
 *     measures are exact, and any idle moment jumps to the next timer.
 * <li>{@link #autoJump(Duration)}: the same, when peers on other threads take real time to
 *     answer: the loop waits that long for I/O before it jumps.
 * <li>{@link #realTimeWithAutoJump(Duration)}: the code under test needs time to pass while it
 *     is busy (a deadline that must expire while data keeps flowing, a retry or attempt delay
 *     racing real I/O), and timers should still not cost real waiting. Time runs at real speed;
 *     once the loop has waited the grace period with nothing happening, it jumps to the next
 *     timer. The grace period is what keeps real sockets honest: a byte already on its way over
 *     loopback arrives well within a few milliseconds, so the clock does not skip past I/O in
 *     flight. Work on other threads (a name lookup, a blocking peer) gets no such promise: a
 *     test that waits for it must not also have a timer pending that it does not want to fire.
 * </ul>
 *
 * <h2>Auto-jump</h2>
 * With auto-jump on ({@link #autoJump()}, {@link #autoJump(Duration)},
 * {@link #realTimeWithAutoJump(Duration)}), a loop that would block until its next timer first
 * waits for I/O for at most the <em>real-idle threshold</em>; if nothing happened by then, the
 * clock jumps straight to that timer's deadline and the timer fires. A test with a one-hour
 * {@code callLater} finishes at once, and its timers see exact deadlines. The threshold is how
 * long real I/O (a peer thread writing to a socket, say) may take before the clock gives up on
 * it, like Trio's {@code MockClock.autojump_threshold}: zero (the default) jumps at the first
 * idle moment and suits tests whose I/O is already in flight when the loop waits; a few
 * milliseconds suit tests whose peers run on other threads. An auto-jumping clock drives one
 * loop: the jump happens on that loop's idle moments.
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

    /** Time on top of the real time since {@link #origin}: all of the time when not {@link #realTime}. */
    private final AtomicLong offset = new AtomicLong();
    private final boolean realTime;
    /** The system clock's time when this clock was made, if {@link #realTime}. */
    private final long origin;
    private final AtomicLong jumps = new AtomicLong();
    /** Real nanoseconds to wait for I/O before jumping, or {@link #NO_AUTO_JUMP}. */
    private volatile long realIdleNanos;

    // Loop thread only: the deadline the current idle wait is for.
    private boolean waitingForTimer;
    private long idleDeadline;

    /** A clock at zero that moves only by {@link #advance} and {@link #set}. */
    public ManualClock() {
        this(false);
    }

    private ManualClock(boolean realTime) {
        this.realTime = realTime;
        this.origin = realTime ? Clock.system().nanoTime() : 0;
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

    /**
     * A clock at zero that runs at real speed, and jumps to the next timer once its loop has
     * waited {@code realIdle} of real time without any I/O or callback arriving (the grace
     * period). {@link #advance} and {@link #set} move it further ahead. For code that needs time
     * to pass while the loop is busy; see the class comment for when to use which clock.
     */
    public static ManualClock realTimeWithAutoJump(Duration realIdle) {
        ManualClock c = new ManualClock(true);
        c.setAutoJump(realIdle);
        return c;
    }

    // ---- reading and moving time ----

    /** The current time, nanoseconds. Any thread. */
    @Override
    public long nanoTime() {
        long o = offset.get(); // read first: the offset only grows, so the sum never goes back
        return o + realNanos();
    }

    /** Whether this clock also runs at real speed ({@link #realTimeWithAutoJump}). */
    public boolean isRealTime() {
        return realTime;
    }

    /** Real time since this clock was made, if it runs at real speed; else zero. */
    private long realNanos() {
        return realTime ? Clock.system().nanoTime() - origin : 0;
    }

    /** Moves time forward by {@code by} and returns the new time. Any thread. */
    public long advance(Duration by) {
        Objects.requireNonNull(by, "by");
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock never goes backwards; cannot advance by " + by);
        }
        offset.addAndGet(by.toNanos());
        return nanoTime();
    }

    /**
     * Sets the time to {@code nanos}, which must not be earlier than now. Times compare as
     * {@link System#nanoTime()} values do (by the sign of their difference), so a clock set
     * close to {@link Long#MAX_VALUE} may run past it. Any thread.
     */
    public void set(long nanos) {
        long o;
        long real;
        do {
            o = offset.get();
            real = realNanos();
            long current = o + real;
            if (nanos - current < 0) {
                throw new IllegalArgumentException("a clock never goes backwards: it is at " + current
                        + " ns, cannot set it to " + nanos + " ns; use a new ManualClock to start over");
            }
        } while (!offset.compareAndSet(o, nanos - real)); // nanos - real >= o: the offset only grows
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
        idleDeadline = nanoTime() + timeoutNanos;
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
        // the clock meanwhile (or, in real time, the wait itself ran past it), the timer is due
        // already and the clock stays where it is.
        long o;
        long real;
        do {
            o = offset.get();
            real = realNanos();
            if (deadline - (o + real) <= 0) {
                return;
            }
        } while (!offset.compareAndSet(o, deadline - real));
        jumps.incrementAndGet();
    }

    @Override
    public String toString() {
        long t = realIdleNanos;
        return "ManualClock[" + Duration.ofNanos(nanoTime()) + (realTime ? ", real time" : "")
                + (t == NO_AUTO_JUMP ? "" : ", auto-jump after " + Duration.ofNanos(t) + " real idle") + "]";
    }
}
