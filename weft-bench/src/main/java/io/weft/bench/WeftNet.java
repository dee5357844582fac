package io.weft.bench;

import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Setting up Weft connections from the benchmark thread: {@link Net}'s calls belong on the
 * loop thread, so each is handed to the loop and its promise awaited here. Set-up only, never
 * measured.
 */
final class WeftNet {
    /** The write buffer's water marks, in both Weft and Netty (Weft's defaults). */
    static final int HIGH_WATER = 64 * 1024;
    static final int LOW_WATER = 16 * 1024;

    private WeftNet() {
    }

    /** Connects a protocol on {@code loop} to {@code address}, TCP_NODELAY on, and waits for it. */
    static <P extends Protocol> P connect(EventLoop loop, Supplier<P> protocol, SocketAddress address) {
        ConnectOptions options = ConnectOptions.builder().noDelay(true).writeBufferLimits(HIGH_WATER, LOW_WATER).build();
        return CompletableFuture.supplyAsync(() -> Net.createConnection(loop, protocol, address, options), loop)
                .join().join();
    }

    /** Listens on 127.0.0.1 (a free port) with {@code loop}; accepted connections get TCP_NODELAY. */
    static Server listen(EventLoop loop, Supplier<? extends Protocol> protocols) {
        ServerOptions options = ServerOptions.builder().noDelay(true).writeBufferLimits(HIGH_WATER, LOW_WATER).build();
        SocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        return CompletableFuture.supplyAsync(() -> Net.createServer(loop, protocols, any, options), loop)
                .join().join();
    }
}
