package io.weft.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Real TCP sockets on 127.0.0.1 for tests: a listening socket, and connected pairs. Tests of
 * I/O use these rather than fakes, so they see what the kernel really does.
 *
 * <p>Channels come back in blocking mode; an event loop switches them to non-blocking when a
 * reader or writer is added. The caller owns and closes them. Threading: any thread.
 */
public final class Loopback {
    private Loopback() {
    }

    /** A server socket listening on 127.0.0.1, on a port the kernel picked. */
    public static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Two connected sockets. */
    public static SocketPair pair() throws IOException {
        try (ServerSocketChannel server = listen()) {
            return connect(server);
        }
    }

    /** {@code n} connected pairs, made through one listening socket. */
    public static List<SocketPair> pairs(int n) throws IOException {
        List<SocketPair> pairs = new ArrayList<>(n);
        try (ServerSocketChannel server = listen()) {
            for (int i = 0; i < n; i++) {
                pairs.add(connect(server));
            }
            return pairs;
        } catch (IOException | RuntimeException e) {
            for (SocketPair p : pairs) {
                p.closeQuietly(e);
            }
            throw e;
        }
    }

    /** Connects a new client to {@code server} and accepts it. */
    public static SocketPair connect(ServerSocketChannel server) throws IOException {
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        try {
            SocketChannel accepted = server.accept();
            return new SocketPair(client, accepted);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Both ends of one TCP connection.
     *
     * @param client the end that connected
     * @param server the end the listening socket accepted
     */
    public record SocketPair(SocketChannel client, SocketChannel server) implements AutoCloseable {
        /** Closes both ends. */
        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }

        void closeQuietly(Throwable into) {
            try {
                close();
            } catch (IOException e) {
                into.addSuppressed(e);
            }
        }
    }
}
