package io.weft.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * What a UDP endpoint's owner implements: the endpoint calls these as it lives. All calls
 * happen on the endpoint's loop thread, one at a time.
 *
 * <h2>Call order</h2>
 * <pre>
 *   start -&gt; connectionMade -&gt; (datagramReceived | errorReceived)* -&gt; connectionLost -&gt; end
 * </pre>
 * <ul>
 *   <li>{@link #connectionMade} exactly once, first, when the socket is bound (and connected,
 *       if a remote address was given).</li>
 *   <li>{@link #datagramReceived} once per datagram, whole: UDP keeps message boundaries and so
 *       does Weft. A datagram is never split or merged with another.</li>
 *   <li>{@link #errorReceived} for a problem with one datagram that does not end the endpoint;
 *       the endpoint stays open and the loop runs on.</li>
 *   <li>{@link #connectionLost} exactly once, last, after {@link DatagramTransport#close()} or
 *       {@link DatagramTransport#abort()}. Its cause is {@code null}: nothing that happens to a
 *       datagram ends an endpoint, so only closing does.</li>
 *   <li>{@link #pauseWriting} and {@link #resumeWriting} alternate, pause first, anywhere
 *       between {@code connectionMade} and {@code connectionLost}.</li>
 * </ul>
 *
 * <h2>Who owns the bytes</h2>
 * The buffer passed to {@link #datagramReceived} is lent for the duration of the call: the
 * endpoint reuses it for the next datagram. Consume it, or copy what you want to keep. Passing
 * it straight to {@link DatagramTransport#sendTo} is fine (an echo): sending takes the bytes at
 * the call.
 *
 * <h2>Exceptions</h2>
 * An exception thrown by {@link #datagramReceived} or {@link #errorReceived} goes to the loop's
 * exception handler and the endpoint keeps running: datagrams are independent, and one that a
 * protocol fails on must not take a UDP server down. An exception from {@link #connectionMade}
 * aborts the endpoint.
 */
public interface DatagramProtocol {

    /** The endpoint is up; keep {@code transport} to send and close. */
    void connectionMade(DatagramTransport transport);

    /**
     * One datagram arrived from {@code from}: its bytes are between the buffer's position and
     * limit (possibly none: an empty datagram is a datagram). Valid only during this call.
     */
    void datagramReceived(ByteBuffer data, SocketAddress from);

    /**
     * Something went wrong with one datagram; the endpoint stays open. What arrives here:
     * <ul>
     *   <li>{@link java.net.PortUnreachableException}: on a <em>connected</em> endpoint, the
     *       peer's host answered an earlier datagram with ICMP port unreachable (nothing listens
     *       there). It surfaces at the next receive or send; a send that the kernel failed with
     *       it is made again, since the error was not that datagram's. Unconnected endpoints do
     *       not hear of ICMP errors: the kernel (Linux, BSD) reports them only on connected
     *       sockets, since it could not say which send caused them.</li>
     *   <li>{@link DatagramTooLargeException}: a datagram longer than
     *       {@link DatagramOptions#maxDatagramSize()} arrived and was dropped, or the kernel
     *       refused to send one as too large.</li>
     *   <li>Any other {@link IOException} from a send the kernel refused (no route, say); that
     *       datagram is dropped, as UDP may drop any datagram.</li>
     * </ul>
     * The default does nothing.
     */
    default void errorReceived(IOException error) {
    }

    /** The endpoint is closed. Last call; {@code cause} is null (see the call order above). */
    default void connectionLost(Throwable cause) {
    }

    /** The endpoint's send queue went above its high-water mark: stop sending for now. */
    default void pauseWriting() {
    }

    /** The send queue drained to its low-water mark: sending may go on. */
    default void resumeWriting() {
    }
}
