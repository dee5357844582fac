package io.weft.loop;

import java.util.concurrent.RejectedExecutionException;

/**
 * The offload pool's queue is full: blocking work is handed to {@link EventLoop#offload} (or to
 * a file operation) faster than the pool's threads finish it. The task was not run. Bound the
 * work in flight (a semaphore, or a window of promises), or raise
 * {@link LoopConfig.Builder#offloadThreads}.
 */
public final class OffloadQueueFullException extends RejectedExecutionException {
    private final int threads;
    private final int capacity;

    public OffloadQueueFullException(int threads, int capacity) {
        super("the offload pool's queue is full: " + capacity + " tasks wait for " + threads
                + " threads; bound the blocking work in flight, or raise LoopConfig.Builder.offloadThreads");
        this.threads = threads;
        this.capacity = capacity;
    }

    /** The pool's thread count when the task was refused. */
    public int threads() {
        return threads;
    }

    /** How many tasks the pool's queue holds. */
    public int capacity() {
        return capacity;
    }
}
