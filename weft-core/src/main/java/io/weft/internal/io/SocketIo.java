package io.weft.internal.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The I/O under a stream transport: how bytes get in and out of one connected socket.
 *
 * <p>Shaped so that a readiness backend ("tell me when readable, I'll read": NIO, epoll) and a
 * completion backend ("read into this buffer, tell me when done": io_uring) can both sit under
 * the same transport without it changing. The transport never asks whether a socket is
 * readable; it says whether it wants data ({@link #setReading}) and what it wants sent
 * ({@link #flush}), and hears back through an {@link IoSink}.
 *
 * <h2>The rules every backend keeps</h2>
 * <ul>
 *   <li><b>Readiness is level-triggered.</b> A readiness backend keeps asking the kernel while
 *       the transport wants data, so data left unread (the transport paused in the middle of a
 *       burst) is reported again on a later turn; nothing depends on an edge being seen.</li>
 *   <li><b>Buffers lent up.</b> The buffer given to {@link IoSink#onRead} belongs to the backend
 *       (the loop's shared read buffer, or a buffer of a completion ring) and is lent for that call
 *       only: the sink copies what it keeps. After the call the backend reuses or returns it.</li>
 *   <li><b>Buffers given down.</b> {@link #writeNow} reads the caller's buffer during the call
 *       only. Bytes handed to {@link #flush} sit in the {@link WriteQueue}, which owns them; a
 *       completion backend moves them to the queue's in-flight part while the kernel holds them,
 *       and the transport never touches in-flight bytes.</li>
 *   <li><b>Reads after {@code setReading(false)}.</b> A readiness backend stops asking and reads
 *       nothing more. A completion backend may have a read already in the kernel; if it completes
 *       after the pause, its bytes are held and delivered, in order, when reading resumes (as
 *       asyncio's proactor does). Either way no {@link IoSink#onRead} arrives while paused.</li>
 *   <li><b>After {@link #close()}</b> every method is a no-op and no sink call follows. Memory
 *       the kernel may still write into (a completion backend's buffers under an operation in
 *       flight) is freed only when that operation's completion arrives, never at close.</li>
 * </ul>
 *
 * <p>Loop thread only.
 */
public interface SocketIo {

    /**
     * Where the transport's {@link WriteQueue} takes its buffers: the backend's choice of memory
     * (native for a backend that sends straight from it). Heap by default.
     */
    default WriteQueue.Chunks chunks() {
        return WriteQueue.HEAP;
    }

    /**
     * The zero-copy file path of this socket, or null when the backend has none (the transport
     * then copies the file through its write queue). Asked once per {@code sendFile}.
     */
    default FileSender fileSender() {
        return null;
    }

    /**
     * The zero-copy socket-to-socket path of this socket ({@code splice(2)} through a pipe), or
     * null when the backend has none (a relay then copies). Asked once per relay.
     */
    default Splicer splicer() {
        return null;
    }

    /**
     * The same path in a completion backend's shape ({@code IORING_OP_SPLICE}), or null when the
     * backend has none. A backend offers this or {@link #splicer()}, not both. Asked once per relay.
     */
    default CompletionSplicer completionSplicer() {
        return null;
    }

    /** Starts delivering events to {@code sink}; reading starts off. */
    void start(IoSink sink);

    /** Whether the transport wants {@link IoSink#onRead} calls. */
    void setReading(boolean on);

    /**
     * Sends what the kernel takes of {@code src} right now, without waiting, and returns the
     * count; {@code src}'s position moves past it. A completion backend may always return 0
     * (everything then goes through {@link #flush}). Only called while nothing is queued.
     */
    int writeNow(ByteBuffer src) throws IOException;

    /**
     * How many of {@code queue}'s bytes the kernel has not been offered yet, though nothing of the
     * socket's says it would refuse them: the server-wide outbound cap does not count them as held
     * for the peer. A readiness backend offers each write at once ({@link #writeNow}), so what it
     * queues the kernel refused: 0, the default. A completion backend that sends a turn's writes at
     * its end says how many wait for that send while the socket has been taking everything offered;
     * once the kernel leaves a send unfinished they count, and the backend tells the sink
     * ({@link IoSink#onFlushed}) so the count is heard without a further write.
     */
    default long unoffered(WriteQueue queue) {
        return 0;
    }

    /**
     * Makes sure {@code queue} is being sent: the backend drains it in the background and calls
     * {@link IoSink#onFlushed()} after each step of progress. The transport only appends to the
     * queue meanwhile; the backend alone consumes from it.
     */
    void flush(WriteQueue queue);

    /** Sends FIN: no more writes. */
    void shutdownOutput() throws IOException;

    /** Releases the socket and its registration now. Idempotent. */
    void close();

    SocketAddress localAddress();

    SocketAddress remoteAddress();
}
