package io.weft.internal.loop;

import io.weft.internal.io.IoDriver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Wakes a loop that waits in its driver, coalescing bursts: the loop publishes that it is about
 * to sleep, and only the first producer to see that makes the wake-up system call. A burst of
 * {@code execute} calls from many threads against a sleeping loop costs one wake-up.
 *
 * <p>The handshake: the loop sets {@code sleeping}, then checks its inbox; a producer enqueues,
 * then clears {@code sleeping}. Either the loop sees the task and does not block, or the
 * producer sees the flag and wakes it (both sides use volatile accesses, so one of the two
 * orders holds).
 */
final class Waker {
    private static final VarHandle SLEEPING;
    private static final VarHandle WAKEUPS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLEEPING = l.findVarHandle(Waker.class, "sleeping", boolean.class);
            WAKEUPS = l.findVarHandle(Waker.class, "wakeups", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IoDriver driver;
    /** True while the loop is (about to be) blocked in the driver; the first waker clears it. */
    @SuppressWarnings("unused") // SLEEPING
    private volatile boolean sleeping;
    @SuppressWarnings("unused") // WAKEUPS
    private volatile long wakeups;

    Waker(IoDriver driver) {
        this.driver = driver;
    }

    /** Loop thread: about to wait. Check for work after this, not before. */
    void sleeping() {
        SLEEPING.setVolatile(this, true);
    }

    /** Loop thread: the wait is over. */
    void awake() {
        SLEEPING.setVolatile(this, false);
    }

    /** Any thread, after handing the loop work: wakes it if it waits; only the first of a burst pays. */
    void wake() {
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            WAKEUPS.getAndAdd(this, 1L);
            driver.wakeup();
        }
    }

    /** Wake-ups that made a system call. */
    long count() {
        return (long) WAKEUPS.getVolatile(this);
    }
}
