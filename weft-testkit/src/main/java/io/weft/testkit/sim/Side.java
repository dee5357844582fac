package io.weft.testkit.sim;

import java.net.SocketAddress;

/**
 * One end of a simulated connection, as its host's kernel holds it: what it receives ({@link
 * #in}), what it sends ({@link #out}), and what the application and the peer did to it. Lives
 * from the handshake on, before any loop serves it (a connection waits in a listener's backlog,
 * or is handed from one loop to another); a {@link SimSocket} serves it once adopted.
 * Simulation's thread only.
 */
final class Side {
    final Connection conn;
    final SimHost host;
    final SocketAddress local;
    final SocketAddress remote;
    final Pipe in;
    final Pipe out;
    Side peer;
    /** The application closed this end (or never took it and it was dropped). */
    boolean appClosed;
    /** This end sent its FIN. */
    boolean outputShut;
    /** An RST reached this end: reads return what came before it, then fail; writes fail. */
    boolean resetArrived;

    Side(Connection conn, SimHost host, SocketAddress local, SocketAddress remote, Pipe in, Pipe out) {
        this.conn = conn;
        this.host = host;
        this.local = local;
        this.remote = remote;
        this.in = in;
        this.out = out;
    }

    @Override
    public String toString() {
        return "c" + conn.id + " " + local + "->" + remote;
    }
}
