package io.weft.internal.dispatch;

/**
 * The little of a loop that green threads need: whether the calling thread is on the loop, how
 * to hand the loop work, where errors go. Green threads depend on this, not on the loop's
 * implementation, so the loop can own its green threads without the two knowing each other.
 */
public interface Dispatcher {

    /** Whether the calling thread is the loop's, or one of its green threads. Any thread. */
    boolean inLoop();

    /**
     * Runs {@code task} on the loop: on a later turn from the loop's thread, through the inbox
     * (waking the loop) from any other. Throws {@link io.weft.loop.LoopClosedException} once the
     * loop is closed. Any thread.
     */
    void dispatch(Runnable task);

    /** Reports an error to the loop's exception handler. Loop thread. */
    void report(String context, Throwable error);

    /** For a closing loop: runs the work queued now, without waiting for I/O. Loop thread. */
    void runQueued();
}
