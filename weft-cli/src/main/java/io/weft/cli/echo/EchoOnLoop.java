package io.weft.cli.echo;

import io.weft.net.Protocol;
import java.util.function.Supplier;

/**
 * The echo server's protocol for a loop the caller runs itself, without {@link EchoServer}'s
 * thread and signals: what {@code weft sim echo} serves on a simulated network. Loop thread only.
 */
public final class EchoOnLoop {
    private EchoOnLoop() {
    }

    /** A protocol factory for one loop's connections, its counters shared by them. */
    public static Supplier<Protocol> protocols() {
        EchoStats stats = new EchoStats();
        return () -> new EchoProtocol(stats);
    }
}
