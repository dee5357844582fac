package io.weft.http;

import io.weft.http.internal.server.ServerState;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.net.GroupServer;
import io.weft.net.Net;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An HTTP/1.1 server on every loop of a {@link LoopGroup}: each loop accepts and serves its own
 * connections (SO_REUSEPORT where the kernel has it, else one loop accepting for all; see
 * {@link GroupServer}), each with its own handler, made on that loop's thread, so a handler's
 * state is confined to one loop and needs no locks. Everything else is {@link HttpServer}'s, per
 * loop. Unlike {@link HttpServer}, every method may be called from any thread.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.start()) {
 *     HttpGroupServer server = HttpGroupServer.listen(group, new InetSocketAddress("127.0.0.1", 8080),
 *             HttpServerOptions.defaults(), loop -> (request, response) -> response.end("hi".getBytes()));
 *     ...
 *     server.shutdown(Duration.ofSeconds(5)).join();
 * }
 * }</pre>
 */
public final class HttpGroupServer {
    private final GroupServer server;
    private final List<ServerState> states;

    private HttpGroupServer(GroupServer server, List<ServerState> states) {
        this.server = server;
        this.states = states;
    }

    /**
     * Listens on {@code address} (port 0 picks a free one, the same for every loop) with every
     * loop of {@code group}. {@code handlerPerLoop} is called once per loop, on that loop's
     * thread. Blocks until every loop listens: call it from a thread outside the group.
     */
    public static HttpGroupServer listen(LoopGroup group, SocketAddress address, HttpServerOptions options,
            Function<EventLoop, ? extends HttpHandler> handlerPerLoop) throws IOException {
        Map<EventLoop, ServerState> made = new ConcurrentHashMap<>();
        GroupServer server = Net.createServer(group, loop -> {
            ServerState state = new ServerState(loop, options, handlerPerLoop.apply(loop));
            made.put(loop, state);
            return state::newConnection;
        }, address, options.socket());
        List<ServerState> states = new ArrayList<>(group.size());
        for (EventLoop l : group.loops()) {
            ServerState s = made.get(l);
            if (s != null) {
                states.add(s);
            }
        }
        return new HttpGroupServer(server, List.copyOf(states));
    }

    /** The addresses it listens on, with the real port. */
    public List<SocketAddress> addresses() {
        return server.addresses();
    }

    /** The port of its first address. */
    public int port() {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    /** Whether each loop listens on its own socket (SO_REUSEPORT). */
    public boolean usesReusePort() {
        return server.usesReusePort();
    }

    /** Connections open now, over every loop (a racy read). */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** Connections accepted per loop over the server's life, in the group's loop order. */
    public List<Long> acceptedTotals() {
        return server.acceptedTotals();
    }

    /**
     * Graceful shutdown on every loop, as {@link HttpServer#shutdown}: stops accepting, closes idle
     * connections, lets requests in progress finish, aborts what is left at {@code deadline}.
     * Completes when no connection is left on any loop.
     */
    public CompletableFuture<Void> shutdown(Duration deadline) {
        server.close();
        List<CompletableFuture<Void>> all = new ArrayList<>(states.size());
        for (ServerState s : states) {
            CompletableFuture<Void> one = new CompletableFuture<>();
            all.add(one);
            s.loop().execute(() -> s.shutdown(deadline).whenComplete((v, e) -> one.complete(null)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Stops accepting and aborts every connection now (on each connection's loop). */
    public void close() {
        server.close();
        for (ServerState s : states) {
            s.loop().execute(s::abortAll);
        }
    }
}
