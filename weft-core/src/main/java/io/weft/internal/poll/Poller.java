package io.weft.internal.poll;

import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * The one interface between an event loop and a kernel readiness API: register a channel with
 * an interest set, wait for readiness with a timeout, wake a waiting loop from another thread.
 *
 * <p>Threading: every method except {@link #wakeup()} must be called on the loop thread that
 * owns the poller. {@link #wakeup()} may be called from any thread, any number of times; it
 * makes the current or next {@link #poll} return promptly.
 *
 * <p>Readiness only: a completion backend (io_uring) has a different shape and sits beside
 * this interface, not behind it.
 */
public interface Poller extends AutoCloseable {

    /** Interest in (or readiness for) reading, accepting. */
    int READ = 1;
    /** Interest in (or readiness for) writing, connect completion. */
    int WRITE = 2;

    /**
     * Starts watching {@code channel} for {@code interest} ({@link #READ} | {@link #WRITE}).
     * The channel must be in non-blocking mode. Registering a channel already registered
     * replaces its interest and attachment.
     */
    PollKey register(SelectableChannel channel, int interest, Object attachment) throws IOException;

    /**
     * Waits until at least one registered channel is ready, the timeout passes, or
     * {@link #wakeup()} is called, then reports every ready channel to {@code sink}.
     *
     * @param timeoutNanos {@code -1} to wait without limit, {@code 0} to not wait at all
     * @return the number of channels reported
     */
    int poll(long timeoutNanos, ReadySink sink) throws IOException;

    /** Makes the current or next {@link #poll} return promptly. Any thread. */
    void wakeup();

    /** Releases the kernel object and every registration. Idempotent. */
    @Override
    void close() throws IOException;

    /** Receives readiness from {@link #poll}. */
    @FunctionalInterface
    interface ReadySink {
        /** @param readyOps {@link #READ} and/or {@link #WRITE} */
        void ready(Object attachment, int readyOps);
    }
}
