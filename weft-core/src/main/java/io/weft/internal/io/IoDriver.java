package io.weft.internal.io;

import io.weft.internal.file.FileIo;
import java.io.IOException;

/**
 * What sits under one event loop and talks to the kernel: a readiness backend (NIO, poll(2),
 * native epoll) waits until descriptors are ready, a completion backend (io_uring) reaps the
 * operations it handed the kernel. Both look the same to the loop's turn, which asks the driver
 * to {@link #await} events with a timeout; the driver turns each event into a {@link
 * io.weft.internal.dispatch.Task} on the loop's {@link ReadyQueue}, so the loop's run phase stays
 * the only place callbacks run.
 *
 * <p>What differs between the two shapes lives in each backend's {@link SocketFactory} and the
 * {@link SocketIo}s it makes, not here.
 *
 * <p>Threading: every method except {@link #wakeup()} is called on the loop's thread.
 */
public interface IoDriver {

    /**
     * Waits up to {@code timeoutNanos} for I/O events ({@code -1}: without limit, {@code 0}: not
     * at all) and queues their tasks. Returns early when {@link #wakeup()} is called. A
     * completion driver also submits here what the turn queued: one system call per turn.
     *
     * @return the number of events that queued a task
     */
    int await(long timeoutNanos) throws IOException;

    /** Makes the current or next {@link #await} return promptly. Any thread, any number of times. */
    void wakeup();

    /**
     * The end of a turn: sends what the turn's writes left queued, one gathered write per
     * connection. Called after the run phase.
     */
    default void endOfTurn() {
    }

    /**
     * The addresses of {@code host} if this driver knows its names itself (a simulated network
     * of named hosts), or null to ask the system's resolver. Loop thread.
     */
    default java.util.List<java.net.InetAddress> knownAddresses(String host) {
        return null;
    }

    /** Opens sockets on this driver. */
    SocketFactory sockets();

    /**
     * The file backend of this driver's loop if the driver brings its own (a simulated host's
     * in-memory file system), or null for the default choice ({@code internal.file.FileIos}:
     * the ring's file operations on io_uring, else the offload pool). Any thread.
     */
    default FileIo fileIo() {
        return null;
    }

    /**
     * Readiness callbacks on JDK channels ({@code EventLoop.addReader}), for NIO users (io_uring
     * builds them from one-shot polls); null when the driver has no JDK channels under it (the
     * simulator), in which case the loop refuses the call with a message saying so.
     */
    ChannelWatches channelWatches();

    /** Descriptors currently registered with the kernel object, for {@code LoopStats}. */
    int registrations();

    /**
     * Releases the kernel object. A completion driver first collects the completion of every
     * operation still in flight, so no memory the kernel may write into is freed before. The
     * loop has closed every socket it made before calling this. Idempotent.
     */
    void close();

    /** The backend's name as {@code LoopConfig} spells it: {@code nio}, {@code epoll}, ... */
    String name();
}
