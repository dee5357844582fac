package io.weft.internal.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The I/O under a datagram endpoint: how datagrams get in and out of one UDP socket. The
 * endpoint says whether it wants datagrams ({@link #setReading}) and whether it has some
 * queued ({@link #setWriting}), and hears back through a {@link DatagramSink}; it never asks
 * whether the socket is ready. The datagram counterpart of {@link SocketIo}.
 *
 * <p>Loop thread only. After {@link #close()} every method is a no-op and no sink call follows.
 */
public interface DatagramIo {

    /** Starts delivering events to {@code sink}; reading and writing start off. */
    void start(DatagramSink sink);

    /** Whether the endpoint wants {@link DatagramSink#onDatagram} calls. */
    void setReading(boolean on);

    /** Whether the endpoint has datagrams queued and wants {@link DatagramSink#onWritable} calls. */
    void setWriting(boolean on);

    /**
     * Sends {@code datagram}'s remaining bytes as one datagram now, or nothing: returns
     * {@code true} when the kernel took it (position moves to the limit), {@code false} when the
     * socket has no room for it now (nothing sent, position unchanged). Never waits.
     *
     * @param to the destination, or null on a connected socket
     * @throws IOException the kernel refused this datagram (already typed by
     *         {@link io.weft.internal.io.Errors}); the socket is still usable
     */
    boolean send(ByteBuffer datagram, SocketAddress to) throws IOException;

    /** Releases the socket and its registration now. Idempotent. */
    void close();

    SocketAddress localAddress();

    /** The connected peer, or null. */
    SocketAddress remoteAddress();
}
