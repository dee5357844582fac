package io.weft.internal.dispatch;

/**
 * Marks code running in a green thread, for the layers that must behave differently there
 * without depending on the green-thread machinery: a {@code Promise.join()} on the loop's thread
 * parks a green thread but would deadlock the loop itself.
 *
 * <p>The mark is the virtual thread's uncaught-exception handler: a green thread's own object
 * ({@link Bound}) is installed there when the thread is made. A {@link ScopedValue} bound for the
 * thread's life did the same job at a cost per thread of 0.2 KiB of heap (the binding, its
 * snapshot and the 16-slot lookup cache each continuation keeps) and three frames under the
 * user's code in every parked stack; the handler is a field every thread already has, read
 * without a lookup.
 */
public final class GreenScope {
    /**
     * A green thread's own object, as its thread's uncaught-exception handler. What escapes a
     * green thread's body goes to its loop's exception handler through it.
     */
    public interface Bound extends Thread.UncaughtExceptionHandler {
    }

    private GreenScope() {
    }

    /** The calling green thread's own object, or null outside green threads. Any thread. */
    public static Bound current() {
        Thread t = Thread.currentThread();
        return t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Bound b ? b : null;
    }

    /** Whether the calling code runs in a green thread. */
    public static boolean inGreenThread() {
        return current() != null;
    }
}
