package io.weft.net;

/**
 * One direction of a zero-copy {@link Relay}, whichever shape its backend has: {@link SplicePump}
 * on a readiness backend (splice(2) when the sockets are ready), {@link RingSplicePump} on
 * io_uring (the ring's splice in linked rounds). Both keep the relay's rules with the pipe in
 * the place of the write buffer: src is read only into the pipe's free room, so it holds at most
 * one pipe; the pipe empties into dst only behind what dst's write queue held; dst hears of a
 * FIN (src's {@code onReadEof}) only once the pipe is empty; an error goes to the transport whose
 * socket failed. What the pipe holds counts for the server-wide outbound cap as dst's
 * ({@code StreamTransport.setSpliceHeld}). Loop thread only.
 */
sealed interface ZeroCopyPump permits SplicePump, RingSplicePump {
    /** Starts moving, on a callback after the switch (src's reading is off by then). */
    void start();

    /** Bytes taken from src so far, for the relay's counts. */
    long moved();

    /** Of {@link #moved()}, those that went through the pipe, never through this process. */
    long spliced();

    /** Bytes in the pipe now. */
    long level();

    /** Whether this direction waits on dst (bytes in the pipe): src is not read meanwhile. */
    boolean throttled();

    /** Stops moving and closes the pipe (what it holds is dropped). Idempotent. */
    void stop();
}
