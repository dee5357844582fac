package io.weft.internal.dispatch;

import io.weft.loop.Handle;

/**
 * A callback queued on a loop: the implementation behind {@link Handle}.
 *
 * <p>Drivers subclass it for their long-lived I/O callbacks (one object per registration, queued
 * again on every readiness or completion, so an event allocates nothing). {@link #next} links
 * tasks in the cross-thread {@link Inbox} without a node allocation.
 */
public class Task implements Handle {
    private final Runnable callback;
    /** Where the task was scheduled from; recorded in debug mode only. */
    private final String callSite;
    private volatile boolean cancelled;
    /** Link in the {@link Inbox}; written and read there with release/acquire ordering. */
    Task next;

    public Task(Runnable callback, String callSite) {
        this.callback = callback;
        this.callSite = callSite;
    }

    /** Runs the callback; the loop's run phase is the only caller. */
    public final void run() {
        callback.run();
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    /** Sets the flag only, without whatever else a subclass does on {@link #cancel()}. */
    public final void markCancelled() {
        cancelled = true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** What to call this task in a log line or an exception handler's context. */
    public String describe() {
        String what = "callback " + callback;
        return callSite == null ? what : what + " scheduled at " + callSite;
    }

    @Override
    public String toString() {
        return (cancelled ? "cancelled " : "") + describe();
    }
}
