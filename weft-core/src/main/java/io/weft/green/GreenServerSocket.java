package io.weft.green;

import io.weft.future.Promise;
import io.weft.internal.green.GreenThread;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.stream.Streams;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A listening socket for green threads: {@link #accept()} parks until a connection arrives.
 *
 * <pre>{@code
 * loop.spawn(() -> {
 *     try (GreenServerSocket server = GreenServerSocket.listen(new InetSocketAddress("127.0.0.1", 7007))) {
 *         while (true) {
 *             GreenSocket c = server.accept();
 *             loop.spawn(() -> { echo(c); return null; });   // a green thread per connection
 *         }
 *     }
 * });
 * }</pre>
 *
 * <p>Connections accepted by the kernel while nobody is in {@link #accept()} wait here, at most
 * {@link ServerOptions#backlog()} of them; beyond that, new ones are closed at once (the peer
 * sees a reset) rather than pile up. Use it only in green threads of the loop it lives on.
 */
public final class GreenServerSocket implements AutoCloseable {
    private final Server server;
    private final ArrayDeque<GreenSocket> pending;
    private final int backlog;
    private GreenThread acceptor;
    private boolean closed;

    private GreenServerSocket(Server server, ArrayDeque<GreenSocket> pending, int backlog) {
        this.server = server;
        this.pending = pending;
        this.backlog = backlog;
    }

    /** Listens on {@code address} with the default options. */
    public static GreenServerSocket listen(SocketAddress address) throws IOException {
        return listen(address, ServerOptions.defaults());
    }

    /** Listens on {@code address}: TCP or Unix domain. */
    public static GreenServerSocket listen(SocketAddress address, ServerOptions options) throws IOException {
        ArrayDeque<GreenSocket> pending = new ArrayDeque<>();
        GreenServerSocket[] self = new GreenServerSocket[1];
        Server server = GreenSocket.await(Streams.serve(Green.loop(), address, options, (reader, writer) -> {
            GreenSocket s = new GreenSocket(reader, writer);
            self[0].arrived(s);
            return s.closed();
        }));
        self[0] = new GreenServerSocket(server, pending, options.backlog());
        return self[0];
    }

    private void arrived(GreenSocket s) {
        if (closed || pending.size() >= backlog) {
            s.abort();
            return;
        }
        pending.add(s);
        if (acceptor != null) {
            acceptor.unpark();
        }
    }

    /** Parks until a connection arrives and returns it. */
    public GreenSocket accept() throws IOException {
        GreenThread me = GreenThread.require("GreenServerSocket.accept");
        if (acceptor != null && acceptor != me) {
            throw new IllegalStateException("another green thread is already in accept() on " + this);
        }
        acceptor = me;
        try {
            while (pending.isEmpty()) {
                if (closed) {
                    throw new io.weft.stream.ConnectionClosedException("accept: the server socket is closed");
                }
                me.park();
            }
            return pending.poll();
        } finally {
            acceptor = null;
        }
    }

    /** The addresses it listens on (the real port when port 0 was asked for). */
    public List<SocketAddress> addresses() {
        return server.addresses();
    }

    /** The underlying server, for its connection count and graceful shutdown. */
    public Server server() {
        return server;
    }

    /**
     * Stops listening; connections not yet accepted are closed. Connections already accepted
     * are the accepting code's to close.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        for (GreenSocket s : pending) {
            s.abort();
        }
        pending.clear();
        if (acceptor != null) {
            acceptor.unpark();
        }
    }

    /** Completes when the server is closed and its last connection gone. */
    public Promise<Void> closed() {
        return server.closed();
    }

    @Override
    public String toString() {
        return "GreenServerSocket" + server.addresses();
    }
}
