package io.weft.internal.loop;

/**
 * Something open on a loop that must not outlive it: a server, a connection, a datagram
 * endpoint. It registers with {@link Loop#opened} and leaves with {@link Loop#closed}; when the
 * loop closes, each one still registered is closed first, while callbacks can still run, so its
 * descriptors go back and its protocol hears {@code connectionLost}. Loop thread only.
 */
public interface LoopResource {
    /** The loop is closing: release everything now (no flushing), reporting why to the protocol. */
    void loopClosing();
}
