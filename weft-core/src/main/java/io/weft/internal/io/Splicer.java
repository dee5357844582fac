package io.weft.internal.io;

import java.io.IOException;

/**
 * An optional capability of a {@link SocketIo} ({@link SocketIo#splicer()}): moving a stream's
 * bytes to another socket through a kernel pipe, never through this process ({@code splice(2)} on
 * native epoll). A backend without it (NIO, poll; io_uring has {@link CompletionSplicer}) returns null there, and a relay
 * copies instead. The shape of {@link FileSender}: each call takes what the kernel takes now and
 * never waits; a caller that got nothing asks to be called back on readiness.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Reading.</b> The transport's own reading must be off ({@link SocketIo#setReading}
 *       false) while this socket is spliced from: {@link #whenReadable} is the socket's read
 *       interest then. If the transport turns its reading on again (a lingering close), its reads
 *       win and the waiter is not run.</li>
 *   <li><b>Writing.</b> {@link #whenWritable} shares the socket's write readiness with the
 *       transport's write queue, which is served first: while the queue waits for the socket the
 *       waiter does not run. The caller still checks that the queue is empty before it splices
 *       out (a queue can hold this turn's writes before it is flushed at the turn's end), so that
 *       bytes written through the transport go first.</li>
 *   <li><b>Pipes.</b> A pipe from {@link #openPipe} belongs to this socket: closing the
 *       {@link SocketIo} closes it too, whatever path the connection ended by, so no descriptor
 *       outlives the socket. Closing it earlier is the caller's and idempotent.</li>
 *   <li><b>After close</b> of the socket every call moves nothing (returns 0) and no callback runs.</li>
 * </ul>
 * Loop thread only; both sockets of a splice belong to the same driver.
 */
public interface Splicer {

    /** A pipe between two spliced sockets: bytes moved in and not yet out. Loop thread only. */
    interface Pipe {
        /** What the pipe holds at most, in bytes, as the kernel set it. */
        int capacity();

        /** Closes both ends now. Idempotent. */
        void close();
    }

    /**
     * A new non-blocking pipe of about {@code size} bytes (the kernel's rounding, and its limits:
     * a smaller pipe where it refuses more), owned by this socket.
     *
     * @throws IOException no descriptor left (EMFILE/ENFILE, typed as the backend types them)
     */
    Pipe openPipe(int size) throws IOException;

    /**
     * Moves up to {@code max} bytes from this socket into {@code pipe} now.
     *
     * @return the bytes moved; 0 when the socket has none now (or {@code pipe} is full); -1 at the
     *         peer's end of stream
     * @throws IOException the socket's failure (a reset: {@link io.weft.net.ConnectionResetException})
     */
    long spliceIn(Pipe pipe, long max) throws IOException;

    /**
     * Moves up to {@code max} bytes from {@code pipe} to this socket now.
     *
     * @return the bytes moved; 0 when the socket is full (or {@code pipe} empty)
     * @throws IOException the socket's failure (a peer that reset or left)
     */
    long spliceOut(Pipe pipe, long max) throws IOException;

    /** Runs {@code then} once, on a later turn, when the socket is readable; null cancels. */
    void whenReadable(Runnable then);

    /** Runs {@code then} once, on a later turn, when the socket is writable and its write queue is not waiting on it; null cancels. */
    void whenWritable(Runnable then);
}
