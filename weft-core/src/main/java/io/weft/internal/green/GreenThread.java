package io.weft.internal.green;

import io.weft.internal.dispatch.GreenScope;

import io.weft.future.Promise;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * One green thread: its virtual thread, its result promise and its cancellation state.
 *
 * <p>Cancellation is sticky, as in Trio: once the thread's promise is cancelled, its current
 * blocking call and every later one throw {@link CancellationException}, so a cancelled thread
 * cannot wander off into another long wait. Code that must clean up can still do so without
 * blocking, in {@code finally}.
 */
public final class GreenThread {
    /** The green thread running the current code, bound for the thread's whole life. */

    /** What {@link #current} finds outside green threads (ScopedValue.orElse takes no null). */
    private static final Object NOT_GREEN = new Object();

    final Greens greens;
    final Promise<?> promise;
    Thread thread;
    private volatile boolean cancelled;

    GreenThread(Greens greens, Promise<?> promise) {
        this.greens = greens;
        this.promise = promise;
    }

    /** The green thread running the calling code, or null outside green threads. */
    public static GreenThread current() {
        // One lookup, not isBound() and get(): this runs on every stream call of a green thread (inLoop).
        return GreenScope.CURRENT.orElse(NOT_GREEN) instanceof GreenThread g ? g : null;
    }

    /** The calling green thread; fails with a helpful message on any other thread. */
    public static GreenThread require(String what) {
        GreenThread g = current();
        if (g == null) {
            throw new WrongThreadException(what + " blocks, so it may only be called in a green thread"
                    + " (loop.spawn(...)); in a callback, use the Promise-returning API instead");
        }
        return g;
    }

    @SuppressWarnings("unchecked")
    public <T> Promise<T> promise() {
        return (Promise<T>) promise;
    }

    public Greens greens() {
        return greens;
    }

    /** Any thread: makes the current or next blocking call throw. */
    void cancel() {
        cancelled = true;
        LockSupport.unpark(thread);
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public void checkCancelled() {
        if (cancelled) {
            throw new CancellationException("green thread " + thread.getName() + " was cancelled");
        }
    }

    /**
     * Parks until unparked (spurious returns are possible: callers loop on their condition),
     * then records that this thread holds the loop again. Throws if cancelled.
     */
    public void park() {
        checkCancelled();
        LockSupport.park(this);
        greens.mounted(this);
        checkCancelled();
    }

    /**
     * Parks without the cancellation check: for waiting on children to unwind after this
     * thread itself was cancelled (a task scope must not return before its children end).
     */
    public void parkShielded() {
        LockSupport.park(this);
        greens.mounted(this);
    }

    /** Makes this thread runnable; any thread. */
    public void unpark() {
        LockSupport.unpark(thread);
    }

    public String name() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return "green thread '" + thread.getName() + "'" + (cancelled ? " (cancelled)" : "");
    }
}
