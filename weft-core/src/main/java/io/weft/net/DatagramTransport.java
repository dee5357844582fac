package io.weft.net;

import io.weft.loop.EventLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP endpoint, as its {@link DatagramProtocol} sees it. Made by
 * {@link Net#createDatagramEndpoint}. Loop thread only.
 *
 * <h2>Sending and flow control</h2>
 * {@link #sendTo} never blocks. Each call is one datagram: the buffer's remaining bytes, sent
 * whole or not at all. When the kernel has no room for it now, the datagram is copied, whole,
 * into the endpoint's send queue and sent, in order, when the socket drains; the caller may
 * reuse its buffer as soon as {@code sendTo} returns. When the queued byte count rises above
 * the high-water mark the protocol's {@link DatagramProtocol#pauseWriting()} is called; when it
 * falls to the low-water mark or below, {@link DatagramProtocol#resumeWriting()}. These are
 * the same rules as {@link Transport}'s. Defaults: high 64 KiB, low 16 KiB (see
 * {@link DatagramOptions}). Queued does not mean delivered: UDP may drop any datagram, here or
 * on the way.
 *
 * <h2>Connected endpoints</h2>
 * An endpoint made with a remote address is connected: it sends only there ({@link #send}),
 * receives only from there, and hears of ICMP errors through
 * {@link DatagramProtocol#errorReceived}. The JDK cannot send an empty datagram on a connected
 * socket (it skips the system call for an empty buffer), so {@link #send} rejects one; an
 * unconnected endpoint sends empty datagrams fine.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops receiving, sends what is queued, then closes; {@link #abort()} closes
 * at once and drops the queue. Either way {@link DatagramProtocol#connectionLost} follows, once.
 */
public interface DatagramTransport {

    /** The loop this endpoint lives on. */
    EventLoop loop();

    /**
     * Sends the buffer's remaining bytes as one datagram to {@code to} (position advances to the
     * limit). On a connected endpoint {@code to} must be null or the remote address.
     *
     * @throws IllegalArgumentException if the datagram is longer than
     *         {@link DatagramOptions#maxDatagramSize()}, {@code to} is missing, unresolved or not an
     *         {@link java.net.InetSocketAddress}, or differs from a connected endpoint's remote
     * @throws IllegalStateException after {@link #close()} or {@link #abort()}
     */
    void sendTo(ByteBuffer data, SocketAddress to);

    default void sendTo(byte[] data, SocketAddress to) {
        sendTo(ByteBuffer.wrap(data), to);
    }

    /**
     * Sends one datagram to the remote address of a connected endpoint.
     *
     * @throws IllegalStateException if the endpoint is not connected, or after {@link #close()}
     *         or {@link #abort()}
     * @throws IllegalArgumentException if the datagram is empty (see the class comment) or too long
     */
    void send(ByteBuffer data);

    default void send(byte[] data) {
        send(ByteBuffer.wrap(data));
    }

    /** Stops receiving, sends what is queued, then closes. Idempotent. */
    void close();

    /** Closes now, dropping queued datagrams. Idempotent. */
    void abort();

    /** Whether {@link #close()} or {@link #abort()} was called or the endpoint was lost. */
    boolean isClosing();

    /** Stops {@link DatagramProtocol#datagramReceived} calls until {@link #resumeReading()}. */
    void pauseReading();

    void resumeReading();

    boolean isReading();

    /**
     * Sets the water marks of the send queue. {@code low} must not exceed {@code high}.
     * Applying them may call {@code pauseWriting} or {@code resumeWriting} at once.
     */
    void setWriteBufferLimits(int high, int low);

    /** Bytes of datagrams queued but not yet taken by the kernel. */
    long writeBufferSize();

    /** The address the endpoint is bound to (with the real port when port 0 was asked for). */
    SocketAddress localAddress();

    /** The address a connected endpoint is connected to; null when unconnected. */
    SocketAddress remoteAddress();

    /** The largest datagram this endpoint sends or accepts, bytes. */
    int maxDatagramSize();

    /** The protocol receiving this endpoint's events. */
    DatagramProtocol protocol();
}
