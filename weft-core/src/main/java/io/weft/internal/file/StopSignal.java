package io.weft.internal.file;

/**
 * A request to stop an operation of several steps (the chunks of a {@code readAll}, the pieces
 * of a large write) before its next step: set when the caller cancels the operation's promise,
 * looked at before each step starts. A step already running ends first (a read or write in the
 * kernel cannot be interrupted without closing the file), so the operation settles, and its
 * buffers are free, only after that step.
 *
 * <p>Threads: set from any thread (the one that cancels), read on the loop and on pool threads.
 */
public final class StopSignal {
    private volatile boolean stopped;

    /** Asks the operation to stop before its next step. Idempotent. */
    public void stop() {
        stopped = true;
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopped() {
        return stopped;
    }
}
