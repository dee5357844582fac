package io.weft.internal.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The I/O under a stream transport: how bytes get in and out of one connected socket.
 *
 * <p>Shaped so that a readiness backend ("tell me when readable, I'll read": NIO, epoll) and a
 * completion backend ("read into this buffer, tell me when done": io_uring) can both sit under
 * the same {@link StreamTransport} without it changing. The transport never asks whether a
 * socket is readable; it says whether it wants data ({@link #setReading}) and what it wants
 * sent ({@link #flush}), and hears back through an {@link IoSink}.
 *
 * <p>Loop thread only. After {@link #close()} every method is a no-op and no sink call follows.
 */
public interface SocketIo {

    /** Starts delivering events to {@code sink}; reading starts off. */
    void start(IoSink sink);

    /** Whether the transport wants {@link IoSink#onRead} calls. */
    void setReading(boolean on);

    /**
     * Sends what the kernel takes of {@code src} right now, without waiting, and returns the
     * count. A completion backend may always return 0 (everything then goes through
     * {@link #flush}). Only called while nothing is queued.
     */
    int writeNow(ByteBuffer src) throws IOException;

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
