package io.weft.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An optional capability of a {@link SocketIo} ({@link SocketIo#completionSplicer()}): moving a
 * stream's bytes to another socket through a kernel pipe, never through this process, in the
 * shape of a completion backend (io_uring's {@code IORING_OP_SPLICE}). Where {@link Splicer} says
 * "splice what you can now, and ask for readiness", this one says "move a pipe's worth when the
 * socket has some, and tell me how it went": the caller submits a <em>round</em> and hears once
 * every operation of it has completed. A backend without it returns null there.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Taking over reading.</b> The source's transport stops reading first
 *       ({@link SocketIo#setReading} false); a completion backend may still have a receive in the
 *       kernel then. {@link #takeOver} waits for it to end and hands over what it received that
 *       the transport did not see, in order, before any byte is spliced. The transport must not
 *       read again while this socket is spliced from.</li>
 *   <li><b>Writing.</b> A round that moves bytes out of the pipe is submitted only while the
 *       destination's write queue is empty, so that bytes written through the transport go
 *       first; the caller checks.</li>
 *   <li><b>Pipes.</b> A pipe from {@link #openPipe} belongs to this socket (the source) and names
 *       the destination's; closing either {@link SocketIo} closes the pipe too. Its descriptors,
 *       and those of both sockets, are closed only once every operation of its rounds has
 *       completed (the kernel looks a descriptor number up when it runs an operation, so one
 *       closed and reused under a linked operation would be the wrong file).</li>
 *   <li><b>After close</b> of the pipe or either socket no listener call follows.</li>
 * </ul>
 * <p>The same rounds also carry a file to this socket ({@link #openFilePipe}, for
 * {@code Transport.sendFile}): a fill reads the file at a position into the pipe and moves what it
 * can on; the rules on writing, pipes and close are the same, with the file in the source's place.
 *
 * <p>Loop thread only; both sockets of a splice belong to the same driver.
 */
public interface CompletionSplicer {

    /** Hears how each round of a pipe ended, in the loop's run phase. */
    interface Listener {
        /**
         * A round's operations have all completed.
         *
         * @param in  bytes moved from the source into the pipe; -1 at the source's end of stream
         * @param out bytes moved from the pipe to the destination
         */
        void roundEnded(long in, long out);

        /** A round failed on the source's socket ({@code atSource}) or the destination's, as typed by the backend. */
        void failed(IOException error, boolean atSource);
    }

    /** Hears what the source's transport had received but not delivered when splicing took over. */
    interface TakeOver {
        /**
         * @param early bytes received, not yet delivered, lent for this call (may be empty)
         * @param error an error the receive met, not yet reported, or null
         */
        void taken(ByteBuffer early, IOException error);
    }

    /** A pipe from this socket to another one's. Loop thread only. */
    interface Pipe {
        /** What the pipe holds at most, in bytes, as the kernel set it. */
        int capacity();

        /**
         * One round with an empty pipe: when the source is readable, up to {@link #capacity()} bytes
         * into the pipe, then as much of them as the destination takes now. One round at a time.
         */
        void fill();

        /** One round with bytes in the pipe: when the destination is writable, up to {@code max} of them out. */
        void drain(long max);

        /** Stops: what is in the kernel is cancelled, the listener hears nothing more; what the pipe holds is dropped. Idempotent. */
        void close();
    }

    /**
     * A pipe from a file to this socket. Its listener hears {@code in} as the bytes read from the
     * file (-1 when the file ended at the position asked for), and {@code atSource} for a failure
     * to read the file. Loop thread only.
     */
    interface FilePipe {
        /** What the pipe holds at most, in bytes, as the kernel set it. */
        int capacity();

        /**
         * One round with an empty pipe: up to {@code max} bytes (at most {@link #capacity()}) of the
         * file from {@code position} into the pipe, then as much of them as this socket takes now.
         * A file read that waits for the disk waits in the kernel, not on the loop.
         */
        void fill(long position, int max);

        /** One round with bytes in the pipe: when this socket is writable, up to {@code max} of them out. */
        void drain(long max);

        /**
         * Stops: what is in the kernel is cancelled, the listener hears nothing more; what the pipe
         * holds is dropped, and the file is closed once no operation names it. Idempotent.
         */
        void close();
    }

    /**
     * A new pipe of about {@code size} bytes from {@code file} to this socket, owned by this socket
     * (closed with it at the latest). The pipe owns {@code file} from this call on, failed or not:
     * it closes it once the kernel is done with it (the kernel looks its descriptor number up when
     * it runs a splice, so it must not be closed and reused under one).
     *
     * @throws IOException no descriptor left (EMFILE/ENFILE, typed as the backend types them)
     */
    FilePipe openFilePipe(int size, SendableFile file, Listener listener) throws IOException;

    /**
     * Runs {@code then}, in a later run phase, once no receive of the transport's is in the
     * kernel, with what it had received and not delivered. Call with the transport's reading off.
     */
    void takeOver(TakeOver then);

    /**
     * A new pipe of about {@code size} bytes (the kernel's rounding and limits) from this socket to
     * {@code to}'s, owned by this socket; {@code listener} hears its rounds.
     *
     * @throws IOException no descriptor left (EMFILE/ENFILE, typed as the backend types them)
     */
    Pipe openPipe(int size, CompletionSplicer to, Listener listener) throws IOException;
}
