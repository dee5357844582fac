package io.weft.internal.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The I/O under a datagram endpoint: how datagrams get in and out of one UDP socket, shaped like
 * {@link SocketIo} so that a readiness backend and a completion backend can both sit under it.
 * The endpoint says whether it wants datagrams ({@link #setReading}), may offer one for sending
 * at once ({@link #sendNow}), and otherwise hands over its queue ({@link #flush}), which the
 * backend drains in the background; it hears back through a {@link DatagramSink} and never asks
 * whether the socket is ready.
 *
 * <p>Buffers: the one given to {@link DatagramSink#onDatagram} is lent for that call only; the
 * one given to {@link #sendNow} is read during the call only; queued datagrams belong to the
 * {@link DatagramQueue}, and a completion backend keeps the head there, untouched by the
 * endpoint, while the kernel holds it. Readiness is level-triggered.
 *
 * <p>ICMP errors: Linux reports them only on a connected socket, as a pending socket error that
 * the next send or receive returns instead of doing its work. A backend that gets one from a send
 * reports it ({@link DatagramSink#onError}: it belongs to an earlier datagram) and tries the same
 * datagram once more.
 *
 * <p>Loop thread only. After {@link #close()} every method is a no-op and no sink call follows.
 */
public interface DatagramIo {

    /** Starts delivering events to {@code sink}; reading starts off. */
    void start(DatagramSink sink);

    /** Whether the endpoint wants {@link DatagramSink#onDatagram} calls. */
    void setReading(boolean on);

    /**
     * Sends {@code datagram}'s remaining bytes as one datagram now, or nothing: returns
     * {@code true} when the kernel took it (position moves to the limit), {@code false} when the
     * socket has no room for it now (nothing sent, position unchanged). Never waits. A completion
     * backend may always return false. Only called while nothing is queued.
     *
     * @param to the destination, or null on a connected socket
     * @throws IOException the kernel refused this datagram (already typed by
     *         {@link Errors#translateDatagram}); the socket is still usable. A pending ICMP error
     *         is thrown as {@link java.net.PortUnreachableException} without sending: the endpoint
     *         reports it and may call again.
     */
    boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException;

    /**
     * Makes sure {@code queue} is being sent: the backend takes datagrams from its front as the
     * kernel has room and calls {@link DatagramSink#onFlushed()} after each step of progress; a
     * datagram the kernel refuses is dropped from the queue and reported with
     * {@link DatagramSink#onSendError}. The endpoint only appends meanwhile.
     */
    void flush(DatagramQueue queue);

    /** Releases the socket and its registration now. Idempotent. */
    void close();

    SocketAddress localAddress();

    /** The connected peer, or null. */
    SocketAddress remoteAddress();
}
