package io.weft.net;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A stream connection, as its {@link Protocol} sees it. Loop thread only.
 *
 * <h2>Writing and flow control</h2>
 * {@link #write} never blocks: it sends straight to the socket what the kernel takes and keeps
 * the rest in the transport's write buffer, sending it as the socket drains. The bytes passed
 * in are taken at the call: the caller may reuse its buffer as soon as {@code write} returns.
 * When the buffered byte count rises above the high-water mark the protocol's
 * {@link Protocol#pauseWriting()} is called; when it falls to the low-water mark or below,
 * {@link Protocol#resumeWriting()}. Defaults: high 64 KiB, low 16 KiB.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops reading, sends what is buffered, then closes; {@link #abort()} closes at
 * once and drops the buffer. Either way {@link Protocol#connectionLost} follows, once.
 */
public interface Transport {

    /** The loop this connection lives on. */
    EventLoop loop();

    /**
     * Sends the buffer's remaining bytes (position advances to the limit).
     *
     * @throws IllegalStateException after this protocol called {@link #close()},
     *         {@link #abort()} or {@link #writeEof()}: writing then is a bug in the caller. Once
     *         the connection was lost for another reason (a reset, a timeout, the server's
     *         output cap) writes are dropped silently instead: {@link Protocol#connectionLost}
     *         is already on its way and the protocol could not have known.
     */
    void write(ByteBuffer data);

    default void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} on, after every byte written
     * before the call, with bounded memory. The promise gives the bytes handed to the kernel or
     * the transport (they may still be on their way, as after {@code write}); it fails with the
     * connection's loss if that comes first (a peer's reset: {@link ConnectionResetException}),
     * with a {@link io.weft.stream.ConnectionClosedException} if {@link #close()} is called while
     * it runs (the rest of the file is not sent: close in the promise's callback to close after
     * the file), with {@link java.io.EOFException} if the file is shorter than the range, or with
     * the file's error. Cancelling the promise stops the send (the stream is then cut inside the
     * file: abort the connection). Do not {@code write} while it runs: the plain stream transports
     * refuse it with {@link IllegalStateException}; others would interleave the bytes. One
     * sendFile at a time. The file must stay open until the promise settles. Loop thread.
     *
     * <p>On a plain TCP or Unix socket this is zero copy: {@code sendfile(2)} from the page cache
     * to the socket on the epoll and NIO backends, paced by the socket's writability, so the
     * socket's own send buffer is the only buffer; on io_uring, splices through a kernel pipe
     * ({@code IORING_OP_SPLICE}, file to pipe to socket), one pipe's worth at a time. The file is
     * opened again by its path for it. Elsewhere (TLS, an io_uring kernel without SPLICE) it is
     * this default: a copy loop over
     * {@link AsyncFile} reads, a chunk read only while the write buffer is below its high-water
     * mark, during which the transport's protocol is a stand-in that passes every event on to this
     * one ({@link #protocol()} returns the stand-in).
     */
    default Promise<Long> sendFile(AsyncFile file, long position, long count) {
        return io.weft.internal.file.FileToTransport.start(this, file, position, count);
    }

    /** Shuts the write side (sends FIN) once the buffer is flushed; reading goes on. */
    void writeEof();

    /** Whether {@link #writeEof()} is supported (not on TLS before 1.3-style half-close). */
    boolean canWriteEof();

    /** Flushes, then closes. Idempotent. */
    void close();

    /** Closes now, dropping buffered data. Idempotent. */
    void abort();

    /** Whether {@link #close()} or {@link #abort()} was called or the connection was lost. */
    boolean isClosing();

    /** Stops {@link Protocol#dataReceived} calls until {@link #resumeReading()}. */
    void pauseReading();

    void resumeReading();

    boolean isReading();

    /**
     * Sets the water marks of the write buffer. {@code low} must not exceed {@code high}.
     * Applying them may call {@code pauseWriting} or {@code resumeWriting} at once.
     */
    void setWriteBufferLimits(int high, int low);

    /** Bytes written but not yet taken by the kernel. */
    long writeBufferSize();

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    /** The protocol receiving this connection's events. */
    Protocol protocol();

    /**
     * Hands the connection's events to another protocol from now on (for switching protocols,
     * e.g. STARTTLS). The new protocol gets no {@code connectionMade}.
     */
    void setProtocol(Protocol protocol);

    /** The TLS session, on a TLS connection once its handshake is done. */
    default Optional<SSLSession> tlsSession() {
        return Optional.empty();
    }

    /**
     * On a TLS connection once its handshake is done, the application protocol both sides chose
     * by ALPN (see {@link TlsOptions#applicationProtocols()}); empty when none was negotiated.
     */
    default Optional<String> applicationProtocol() {
        return Optional.empty();
    }
}
