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
 * Loop thread only; both sockets of a splice belong to the same driver.
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
