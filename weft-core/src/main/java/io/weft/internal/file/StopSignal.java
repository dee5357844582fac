package io.weft.internal.file;

import java.util.ArrayList;
import java.util.List;

/**
 * A request to stop an operation of several steps (the chunks of a {@code readAll}, the pieces
 * of a large write) before its next step: set when the caller cancels the operation's promise,
 * looked at before each step starts. On the offload pool a step already running ends first (a
 * read or write in the kernel cannot be interrupted without closing the file), so the operation
 * settles, and its buffers are free, only after that step. A backend that can cancel a step in
 * the kernel (io_uring's ASYNC_CANCEL) hears {@link #stop()} through {@link #whenStopped}; the
 * step's buffer is still the kernel's until that step's own completion arrives.
 *
 * <p>Threads: set from any thread (the one that cancels), read on the loop and on pool threads.
 * Listeners run on the thread that calls {@link #stop()} (or the one that adds them, if it was
 * set already), so they must only hand work to the loop.
 */
public final class StopSignal {
    private volatile boolean stopped;
    /** Listeners of steps in flight; guarded by this. */
    private List<Runnable> listeners;

    /** Asks the operation to stop before its next step, and tells the steps in flight. Idempotent. */
    public void stop() {
        List<Runnable> tell;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            tell = listeners;
            listeners = null;
        }
        if (tell != null) {
            for (Runnable r : tell) {
                r.run();
            }
        }
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Runs {@code listener} when {@link #stop()} is called (at once if it was), until
     * {@link #forget} takes it back: for a step in flight that can be cancelled where it is.
     */
    public void whenStopped(Runnable listener) {
        synchronized (this) {
            if (!stopped) {
                if (listeners == null) {
                    listeners = new ArrayList<>(4);
                }
                listeners.add(listener);
                return;
            }
        }
        listener.run();
    }

    /** Takes back a listener of {@link #whenStopped} whose step has ended. */
    public synchronized void forget(Runnable listener) {
        if (listeners != null) {
            listeners.remove(listener);
        }
    }
}
