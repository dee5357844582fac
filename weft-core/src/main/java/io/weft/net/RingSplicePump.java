package io.weft.net;

import io.weft.internal.io.CompletionSplicer;
import io.weft.internal.net.StreamTransport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a zero-copy {@link Relay} on io_uring: bytes go from {@code src}'s socket into
 * a kernel pipe and on to {@code dst}'s by the ring's splice ({@link CompletionSplicer}), one
 * round at a time, each round submitted with the rest of the loop's turn.
 *
 * <h2>What the next round is</h2>
 * <pre>
 *   taking over: wait for src's receive to leave the kernel; what it brought and src's transport
 *                did not see is written to dst first (copied: it is already in this process)
 *   then, after each round:
 *     dst's write queue not empty   -&gt; wait for it to empty (what was written goes first)
 *     pipe holds bytes              -&gt; drain: when dst is writable, the pipe's bytes out
 *     pipe empty, src not at EOF    -&gt; fill: when src is readable, a pipe's worth in, then out
 *     pipe empty, src at EOF        -&gt; DRAINED: src's transport hears its end of stream now,
 *                                      which the relay forwards as dst's FIN
 * </pre>
 * src is read only into an empty pipe, so at most one pipe's capacity is held here; it counts in
 * {@link Relay#bufferedBytes()} and, as dst's, in the server-wide outbound cap. Loop thread only.
 */
final class RingSplicePump extends ZeroCopyPump implements CompletionSplicer.Listener {
    private final CompletionSplicer in;
    private CompletionSplicer.Pipe pipe;
    private final Runnable step = this::next;
    private long spliced;
    private boolean inRound;

    private RingSplicePump(Relay relay, StreamTransport src, CompletionSplicer in, StreamTransport dst) {
        super(relay, src, dst);
        this.in = in;
    }

    /**
     * A pump from {@code src} to {@code dst} with a pipe of about {@code pipeSize} bytes, owned by
     * src's socket (closed with it at the latest); not pumping until {@link #start}.
     */
    static RingSplicePump open(Relay relay, StreamTransport src, CompletionSplicer in, StreamTransport dst,
            CompletionSplicer out, int pipeSize) throws IOException {
        RingSplicePump p = new RingSplicePump(relay, src, in, dst);
        p.pipe = in.openPipe(pipeSize, out, p);
        return p;
    }

    @Override
    void start() {
        if (!stopped) {
            in.takeOver(this::taken);
        }
    }

    /** src's receive is out of the kernel: its leftovers go to dst through the write queue, then the rounds begin. */
    private void taken(ByteBuffer early, IOException error) {
        if (stopped) {
            return;
        }
        if (error != null) {
            stop();
            src.onIoError(error);
            return;
        }
        if (early.hasRemaining() && !dst.isClosing()) {
            moved += early.remaining();
            dst.write(early);
            relay.spliced();
            relay.noteBuffered();
        }
        next();
    }

    /** Submits the next round, or waits for dst's queue, or ends (the table above). */
    private void next() {
        if (stopped || inRound) {
            return;
        }
        if (src.isLost() || dst.isLost() || dst.isClosing()) {
            stop(); // the relay hears connectionLost and ends the tunnel; nothing left to deliver to
            return;
        }
        if (dst.writeBufferSize() > 0) {
            dst.whenQueueEmpty(step);
            return;
        }
        if (level > 0) {
            inRound = true;
            pipe.drain(level);
        } else if (!eof) {
            inRound = true;
            pipe.fill();
        } else {
            stop();
            src.onReadEof(); // DRAINED: the relay's eofReceived forwards the FIN to dst
        }
    }

    @Override
    public void roundEnded(long inBytes, long outBytes) {
        inRound = false;
        if (inBytes < 0) {
            eof = true;
        } else {
            level += inBytes;
            moved += inBytes;
            spliced += inBytes;
        }
        level -= outBytes;
        if (inBytes != 0 || outBytes != 0) {
            relay.spliced();
        }
        relay.noteBuffered();
        dst.setSpliceHeld(level);
        next();
    }

    @Override
    public void failed(IOException error, boolean atSource) {
        inRound = false;
        stop();
        (atSource ? src : dst).onIoError(error);
    }

    @Override
    long spliced() {
        return spliced;
    }

    @Override
    void release() {
        dst.whenQueueEmpty(null);
        pipe.close();
    }
}
