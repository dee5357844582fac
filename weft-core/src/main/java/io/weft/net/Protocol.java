package io.weft.net;

import java.nio.ByteBuffer;

/**
 * What a stream connection's owner implements: the transport calls these as the connection
 * lives. All calls happen on the transport's loop thread, one at a time.
 *
 * <h2>Call order</h2>
 * <pre>
 *   start -&gt; connectionMade -&gt; dataReceived* -&gt; eofReceived? -&gt; connectionLost -&gt; end
 * </pre>
 * <ul>
 *   <li>{@link #connectionMade} exactly once, first.</li>
 *   <li>{@link #dataReceived} zero or more times, never after {@link #eofReceived}.</li>
 *   <li>{@link #eofReceived} at most once, when the peer shut its write side (sent FIN).</li>
 *   <li>{@link #connectionLost} exactly once, last; {@code null} for a clean close, else the
 *       cause: a typed {@link java.io.IOException} such as {@link ConnectionResetException},
 *       or what {@code connectionMade}, {@code dataReceived} or {@code eofReceived} threw (that
 *       also goes to the loop's exception handler, and the connection is aborted).</li>
 *   <li>{@link #pauseWriting} and {@link #resumeWriting} alternate, pause first, anywhere
 *       between {@code connectionMade} and {@code connectionLost}.</li>
 * </ul>
 *
 * <h2>Who owns the bytes</h2>
 * The buffer passed to {@link #dataReceived} is lent for the duration of the call: the
 * transport reuses it for the next read. Consume it, or copy what you want to keep. No
 * reference counting, nothing to release.
 */
public interface Protocol {

    /** The connection is up; keep {@code transport} to write and close. */
    void connectionMade(Transport transport);

    /** Bytes arrived, between the buffer's position and limit. Valid only during this call. */
    void dataReceived(ByteBuffer data);

    /**
     * The peer will send no more. Return {@code true} to keep the connection open for writing
     * (a half-close); {@code false} (the default) closes the transport.
     */
    default boolean eofReceived() {
        return false;
    }

    /** The connection is gone; {@code cause} is null for a clean close. Last call. */
    default void connectionLost(Throwable cause) {
    }

    /** The transport's write buffer went above its high-water mark: stop writing for now. */
    default void pauseWriting() {
    }

    /** The write buffer drained to its low-water mark: writing may go on. */
    default void resumeWriting() {
    }
}
