package io.weft.green;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.stream.Streams;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A server whose every connection is served by a green thread of its own, on one loop or on every
 * loop of a {@link LoopGroup}: the kernel (SO_REUSEPORT) or the group spreads the connections, and
 * each one's green thread runs on the loop that accepted it, for its whole life.
 *
 * <pre>{@code
 * GroupServer s = GreenServer.serve(group, new InetSocketAddress(7007), ServerOptions.defaults(),
 *         loop -> socket -> {                    // once per loop, on that loop
 *             byte[] buf = new byte[1024];
 *             for (int n; (n = socket.read(buf, 0, buf.length)) > 0; ) {
 *                 socket.write(java.nio.ByteBuffer.wrap(buf, 0, n));
 *             }
 *         });
 * }</pre>
 *
 * <p>Unlike a {@link GreenServerSocket}, nothing parks in {@code accept()}: the connection's
 * green thread starts as the connection is made. When {@link Handler#serve} returns, the
 * connection is closed (its output flushed first); when it throws, the connection is aborted and
 * the exception goes to the loop's exception handler, unless it is the connection's own loss
 * (the peer reset it) or a cancellation (the loop closing). The server's shutdown closes the
 * connections, whose green threads then read end of stream.
 */
public final class GreenServer {
    private GreenServer() {
    }

    /** Serves one connection, in a green thread of the loop the connection lives on. */
    @FunctionalInterface
    public interface Handler {
        void serve(GreenSocket socket) throws Exception;
    }

    /**
     * Listens on {@code address} with every loop of {@code group}; {@code perLoop} is called once on
     * each loop's thread, so what its handler shares between connections is confined to one loop.
     * Blocks until every loop listens: call it from a thread outside the group.
     */
    public static GroupServer serve(LoopGroup group, SocketAddress address, ServerOptions options,
            Function<EventLoop, Handler> perLoop) throws IOException {
        Objects.requireNonNull(perLoop, "perLoop");
        return Net.createServer(group, loop -> handling(loop, options, perLoop.apply(loop)), address, options);
    }

    /** Listens on {@code address} with {@code loop}. Loop thread. */
    public static Promise<Server> serve(EventLoop loop, SocketAddress address, ServerOptions options, Handler handler) {
        return Net.createServer(loop, handling(loop, options, handler), address, options);
    }

    /**
     * The protocols behind {@link #serve}, for listening some other way: each connection made on
     * {@code loop} spawns a green thread there that runs {@code handler}.
     */
    public static Supplier<Protocol> handling(EventLoop loop, ServerOptions options, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        return Streams.handling(options, (reader, writer) -> loop.spawn(() -> {
            handler.serve(new GreenSocket(reader, writer));
            return null;
        }));
    }
}
