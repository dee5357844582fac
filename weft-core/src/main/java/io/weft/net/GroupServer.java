package io.weft.net;

import java.util.List;

/**
 * A server spread over the loops of a {@link io.weft.loop.LoopGroup}, made by
 * {@link Net#createServer(io.weft.loop.LoopGroup, java.util.function.Supplier, java.net.SocketAddress, ServerOptions)}.
 * Unlike a single-loop {@link Server}, every method may be called from any thread.
 */
public interface GroupServer extends Server {

    /** Whether each loop listens on its own socket (SO_REUSEPORT) rather than one loop accepting for all. */
    boolean usesReusePort();

    /** Open connections per loop, in the group's loop order. */
    List<Integer> connectionCounts();

    /** Connections accepted per loop over the server's life, in the group's loop order. */
    List<Long> acceptedTotals();
}
