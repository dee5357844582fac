package io.weft.net;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.net.Connector;
import io.weft.internal.net.Resolver;
import io.weft.internal.net.SocketServer;
import io.weft.internal.net.SpreadServer;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where stream servers and connections start: TCP and Unix domain sockets.
 *
 * <p>Every method must be called on the loop's thread (or, before the loop runs, the thread
 * that created it). Results arrive as {@link Promise}s whose callbacks run on the loop.
 */
public final class Net {
    private Net() {
    }

    /**
     * Listens on {@code address}: an {@link InetSocketAddress} (port 0 picks a free port) or a
     * {@link java.net.UnixDomainSocketAddress}. Each accepted connection gets a fresh protocol
     * from {@code protocolFactory}.
     */
    public static Promise<Server> createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
            SocketAddress address, ServerOptions options) {
        return listen(Loop.of(loop), protocolFactory, List.of(address), options);
    }

    /**
     * Listens on every address {@code host} resolves to, or on all interfaces when
     * {@code host} is null. The name is resolved off the loop thread.
     */
    public static Promise<Server> createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
            String host, int port, ServerOptions options) {
        Loop l = Loop.of(loop);
        if (host == null) {
            return listen(l, protocolFactory, List.of(new InetSocketAddress(port)), options);
        }
        return Resolver.resolve(l, host).flatMap(addresses -> {
            List<SocketAddress> all = new ArrayList<>();
            for (InetAddress a : addresses) {
                all.add(new InetSocketAddress(a, port));
            }
            return listen(l, protocolFactory, all, options);
        });
    }

    private static Promise<Server> listen(Loop loop, Supplier<? extends Protocol> factory, List<SocketAddress> addresses,
            ServerOptions options) {
        try {
            return Promise.completed(loop, SocketServer.listen(loop, factory, addresses, options));
        } catch (IOException e) {
            return Promise.failed(loop, e);
        }
    }

    /**
     * Listens on {@code address} with every loop of {@code group}, each connection living on one
     * loop for its whole life (see {@link GroupServer}). Blocks until every loop listens, so call
     * it from a thread that is not one of the group's. {@code maxConnections} applies per loop.
     */
    public static GroupServer createServer(LoopGroup group, Supplier<? extends Protocol> protocolFactory,
            SocketAddress address, ServerOptions options) throws IOException {
        for (EventLoop l : group.loops()) {
            if (l.inLoop()) {
                throw new WrongThreadException("createServer(LoopGroup, ...) waits for every loop of the group;"
                        + " call it from a thread outside the group");
            }
        }
        return SpreadServer.listen(group, protocolFactory, address, options);
    }

    /**
     * Connects to {@code host}:{@code port}. The name is resolved off the loop thread; when it
     * has several addresses they are raced as RFC 8305 describes. The promise completes with the
     * protocol once it got {@link Protocol#connectionMade} (after the TLS handshake, with TLS),
     * or fails: {@link java.net.ConnectException}, {@link java.net.UnknownHostException},
     * {@link java.util.concurrent.TimeoutException}. Cancelling it abandons the attempt.
     */
    public static <P extends Protocol> Promise<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            String host, int port, ConnectOptions options) {
        return Connector.connect(Loop.of(loop), protocolFactory, host, port, options);
    }

    /** Connects to one address: TCP ({@link InetSocketAddress}) or Unix domain. */
    public static <P extends Protocol> Promise<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            SocketAddress address, ConnectOptions options) {
        return Connector.connect(Loop.of(loop), protocolFactory, address, options);
    }
}
