package io.weft.internal.green;

import io.weft.internal.dispatch.GreenScope;

import io.weft.future.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.LockSupport;

/**
 * One green thread: its virtual thread, its result promise and its cancellation state, and the
 * body its virtual thread runs ({@link #run}).
 *
 * <p>Cancellation is sticky, as in Trio: once the thread's promise is cancelled, its current
 * blocking call and every later one throw {@link CancellationException}, so a cancelled thread
 * cannot wander off into another long wait. Code that must clean up can still do so without
 * blocking, in {@code finally}.
 *
 * <p>The body is this object itself, not a lambda around the task: every frame under the user's
 * code is kept in the stack chunk of each parked green thread, so there is one (this
 * {@code run}) between the JDK's and the task's.
 */
public final class GreenThread implements Runnable, GreenScope.Bound {
    final Greens greens;
    final Promise<Object> promise;
    /** The task, until it has run. */
    private Callable<?> task;
    /** Run on the loop when the thread has ended (after its finally blocks), or null. */
    private final Runnable onExit;
    Thread thread;
    private volatile boolean cancelled;
    /** Links in {@link Greens}' list of live threads (loop thread). */
    GreenThread prev;
    GreenThread next;

    @SuppressWarnings("unchecked")
    GreenThread(Greens greens, Promise<?> promise, Callable<?> task, Runnable onExit) {
        this.greens = greens;
        this.promise = (Promise<Object>) promise;
        this.task = task;
        this.onExit = onExit;
    }

    /** The green thread running the calling code, or null outside green threads. */
    public static GreenThread current() {
        return GreenScope.current() instanceof GreenThread g ? g : null;
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

    /** The virtual thread's body: runs the task, settles the promise, leaves the live list. */
    @Override
    public void run() {
        try {
            Callable<?> t = task;
            task = null;
            greens.mounted(this);
            checkCancelled();
            promise.complete(t.call());
        } catch (Throwable e) {
            if (!promise.fail(e) && !promise.isCancelled()) {
                greens.report(this + " failed after its promise was settled", e);
            }
        } finally {
            greens.ended(this);
            if (onExit != null) {
                onExit.run();
            }
        }
    }

    /** What escapes {@link #run} (an {@code onExit} that threw) goes to the loop's exception handler. */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        greens.report(this + " failed", e);
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

    /**
     * Runs this parked thread at once, inside the calling callback, until it parks again:
     * for handing it what is lent for the callback only. See {@link Greens#resumeNow}.
     */
    public void resumeNow() {
        greens.resumeNow(this);
    }

    public String name() {
        return thread.getName();
    }

    @Override
    public String toString() {
        return "green thread '" + thread.getName() + "'" + (cancelled ? " (cancelled)" : "");
    }
}
