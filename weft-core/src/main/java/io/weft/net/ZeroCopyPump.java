package io.weft.net;

import io.weft.internal.net.StreamTransport;

/**
 * One direction of a zero-copy {@link Relay}, whichever shape its backend has: {@link SplicePump}
 * on a readiness backend (splice(2) when the sockets are ready), {@link RingSplicePump} on
 * io_uring (the ring's splice in linked rounds). Both keep the relay's rules with the pipe in
 * the place of the write buffer: src is read only into the pipe's free room, so it holds at most
 * one pipe; the pipe empties into dst only behind what dst's write queue held; dst hears of a
 * FIN (src's {@code onReadEof}) only once the pipe is empty; an error goes to the transport whose
 * socket failed. What the pipe holds counts for the server-wide outbound cap as dst's
 * ({@code StreamTransport.setSpliceHeld}). The state both keep and how both stop are here.
 * Loop thread only.
 */
abstract sealed class ZeroCopyPump permits SplicePump, RingSplicePump {
    final Relay relay;
    final StreamTransport src;
    final StreamTransport dst;
    /** Bytes taken from src so far. */
    long moved;
    /** Bytes in the pipe now. */
    long level;
    /** src has reached its end of stream (the pipe may still hold bytes). */
    boolean eof;
    boolean stopped;

    ZeroCopyPump(Relay relay, StreamTransport src, StreamTransport dst) {
        this.relay = relay;
        this.src = src;
        this.dst = dst;
    }

    /** Starts moving, on a callback after the switch (src's reading is off by then). */
    abstract void start();

    /** Bytes taken from src so far, for the relay's counts. */
    final long moved() {
        return moved;
    }

    /** Of {@link #moved()}, those that went through the pipe, never through this process. */
    abstract long spliced();

    /** Bytes in the pipe now. */
    final long level() {
        return level;
    }

    /** Whether this direction waits on dst (bytes in the pipe): src is not read meanwhile. */
    final boolean throttled() {
        return level > 0 && !stopped;
    }

    /** Stops moving and closes the pipe (what it holds is dropped). Idempotent. */
    final void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        release();
        level = 0;
        dst.setSpliceHeld(0);
    }

    /** For {@link #stop()}: waits on neither socket any more, and closes the pipe. */
    abstract void release();
}
