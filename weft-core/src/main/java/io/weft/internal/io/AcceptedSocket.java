package io.weft.internal.io;

/**
 * A connection a listener accepted, not yet served: it may be handed to another loop of a group
 * (to that loop's {@link SocketFactory#adopt}) before anything reads from it. Whoever holds it
 * owns the descriptor and must adopt or {@link #close()} it. Any thread may carry it; only a
 * loop thread adopts it.
 */
public interface AcceptedSocket {

    /** Whether the socket is a Unix-domain one (no TCP options apply). */
    boolean isUnix();

    /** Releases the descriptor without serving it. Idempotent. */
    void close();
}
