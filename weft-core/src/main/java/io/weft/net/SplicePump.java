package io.weft.net;

import io.weft.internal.io.Splicer;
import io.weft.internal.net.StreamTransport;
import java.io.IOException;

/**
 * One direction of a zero-copy {@link Relay}: bytes go from {@code src}'s socket into a kernel
 * pipe and from the pipe to {@code dst}'s socket by {@code splice(2)} ({@link Splicer}), never
 * through this process, driven by readiness.
 *
 * <h2>One rule for what to wait on</h2>
 * <pre>
 *   each round: pipe to dst (if it holds bytes and dst's write queue is empty), then src to
 *               the pipe's free room; until a round moves nothing
 *   then, pipe holds bytes  -&gt; wait for dst to be writable (not for src)
 *         pipe empty        -&gt; wait for src to be readable
 *         pipe empty, src at EOF -&gt; DRAINED: src's transport hears its end of stream now, which
 *                              the relay forwards as dst's FIN; nothing more to move
 *         pipe empty, the last {@value #BACK_AFTER} reads small -&gt; back to copying: src's
 *                              transport reads again; the pump waits on nothing, pipe kept
 * </pre>
 * At most one pipe's capacity is ever buffered here (the backpressure bound, counted in
 * {@link Relay#bufferedBytes()} and, as dst's, in the server-wide outbound cap): src is read only into the pipe's free room, and not at all while
 * it is full and dst not writable. Readability of src is waited on only with an empty pipe, since
 * an {@code EAGAIN} from the splice into the pipe means "src has nothing" and "the pipe is full"
 * alike (its slots hold page fragments, so it can be full below its byte capacity): waited on as
 * readability with data in src, the second would spin the loop.
 *
 * <p>Order: bytes queued in dst's transport (a handshake reply, a client's early bytes written by
 * the caller) leave before any spliced byte, since the pipe is emptied into dst only while dst's
 * write queue is empty. Errors go to the transport whose socket failed ({@code onIoError}), so
 * the relay hears of them as {@code connectionLost}, as it does on the copying path.
 *
 * <p>At most {@link #ROUNDS} in-and-out rounds per readiness callback, so one fast tunnel does not
 * hold the loop. Loop thread only.
 */
final class SplicePump extends ZeroCopyPump {
    static final int ROUNDS = 4;
    /** A callback whose splices into the pipe brought less than this in all is a small read. */
    static final int SMALL = 4 * 1024;
    /**
     * This many small reads in a row with the pipe emptied after each: the direction carries
     * messages, not bulk, and goes back to copying ({@link Relay#backToCopying}). Splicing a
     * 64-byte message costs a splice in, a splice out and the waits' re-arming against one recv
     * and one send (1.3x the CPU per round trip on the ping-pong benchmark, stop 19). More than
     * one, so that the end of a bulk stream or one slow moment does not flip it; a stream of
     * small reads that then adds up to the switch's 32 KiB again splices again, with this pipe.
     */
    static final int BACK_AFTER = 4;

    private final Splicer in;
    private final Splicer out;
    private final Splicer.Pipe pipe;
    private final Runnable step = this::pump;
    /** Callbacks in a row that brought a small read (see {@link #BACK_AFTER}). */
    private int smallReads;

    private SplicePump(Relay relay, StreamTransport src, StreamTransport dst, Splicer in, Splicer out, Splicer.Pipe pipe) {
        super(relay, src, dst);
        this.in = in;
        this.out = out;
        this.pipe = pipe;
    }

    /**
     * A pump from {@code src} to {@code dst} with a pipe of about {@code pipeSize} bytes, owned by
     * src's socket (closed with it at the latest); not pumping until {@link #pump}.
     */
    static SplicePump open(Relay relay, StreamTransport src, Splicer in, StreamTransport dst, Splicer out,
            int pipeSize) throws IOException {
        return new SplicePump(relay, src, dst, in, out, in.openPipe(pipeSize));
    }

    @Override
    void start() {
        smallReads = 0;
        pump();
    }

    @Override
    long spliced() {
        return moved;
    }

    /** Moves what can move now, then waits on one side (the rule above). */
    void pump() {
        if (stopped) {
            return;
        }
        if (src.isLost() || dst.isLost() || dst.isClosing()) {
            stop(); // the relay hears connectionLost and ends the tunnel; nothing left to deliver to
            return;
        }
        int cap = pipe.capacity();
        boolean srcDrained = false;
        long took = 0;
        for (int i = 0; i < ROUNDS; i++) {
            boolean progress = false;
            // what dst's transport holds goes first; the write waiter runs once it has left
            if (level > 0 && dst.writeBufferSize() == 0) {
                long n;
                try {
                    n = out.spliceOut(pipe, level);
                } catch (IOException e) {
                    stop();
                    dst.onIoError(e);
                    return;
                }
                if (n > 0) {
                    level -= n;
                    progress = true;
                    relay.spliced();
                }
            }
            if (!eof && !srcDrained && level < cap) {
                long n;
                long room = cap - level;
                try {
                    n = in.spliceIn(pipe, room);
                } catch (IOException e) {
                    stop();
                    src.onIoError(e);
                    return;
                }
                if (n < 0) {
                    eof = true; // the pipe may still hold bytes: out first, then DRAINED
                    progress = true;
                } else if (n > 0) {
                    // Less than asked: src is (very likely) empty now, so no call to hear EAGAIN
                    // say so; readiness tells if more came (as the copying path's reads do).
                    srcDrained = n < room;
                    took += n;
                    level += n;
                    moved += n;
                    progress = true;
                    relay.spliced();
                    relay.noteBuffered();
                }
            }
            if (!progress) {
                break;
            }
        }
        dst.setSpliceHeld(level);
        if (took > 0) {
            smallReads = took < SMALL ? smallReads + 1 : 0;
        }
        if (level == 0 && !eof && smallReads >= BACK_AFTER) {
            in.whenReadable(null);
            out.whenWritable(null);
            relay.backToCopying(this); // its transport reads from here on
            return;
        }
        if (level > 0) {
            in.whenReadable(null);
            out.whenWritable(step);
        } else if (!eof) {
            out.whenWritable(null);
            in.whenReadable(step);
        } else {
            stop();
            src.onReadEof(); // DRAINED: the relay's eofReceived forwards the FIN to dst
        }
    }

    @Override
    void release() {
        in.whenReadable(null);
        out.whenWritable(null);
        pipe.close();
    }
}
