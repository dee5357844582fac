package io.weft.http;

import io.weft.future.Promise;
import io.weft.http.internal.server.ServerState;
import io.weft.loop.EventLoop;
import io.weft.net.Net;
import io.weft.net.Server;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP/1.1 server on one event loop. Loop thread only, except {@link #addresses()},
 * {@link #port()} and {@link #connectionCount()}.
 *
 * <pre>{@code
 * HttpServer.listen(loop, new InetSocketAddress("127.0.0.1", 8080), HttpServerOptions.defaults(),
 *         (request, response) -> response.status(200).header("Content-Type", "text/plain")
 *                 .end("Hello, World!".getBytes()));
 * }</pre>
 *
 * <h2>Connections</h2>
 * Keep-alive (HTTP/1.1 by default, HTTP/1.0 with {@code Connection: keep-alive}), pipelining
 * (requests handled one at a time per connection, responses in order), {@code Expect:
 * 100-continue} (the 100 goes out when the handler reads the body), and the deadlines and
 * limits of {@link HttpServerOptions}. A request that breaks RFC 9112 is answered with its
 * status (400, 413, 414, 417, 431, 501, 505) and {@code Connection: close}, and only its
 * connection closes.
 */
public final class HttpServer {
    private final Server server;
    private final ServerState state;

    private HttpServer(Server server, ServerState state) {
        this.server = server;
        this.state = state;
    }

    /** Listens on {@code address} (port 0 picks a free one). */
    public static Promise<HttpServer> listen(EventLoop loop, SocketAddress address, HttpServerOptions options,
            HttpHandler handler) {
        ServerState state = new ServerState(loop, options, handler);
        return Net.createServer(loop, state::newConnection, address, options.socket())
                .map(server -> new HttpServer(server, state));
    }

    /** The addresses it listens on, with the real port. */
    public List<SocketAddress> addresses() {
        return server.addresses();
    }

    /** The port of its first address. */
    public int port() {
        return ((InetSocketAddress) server.addresses().get(0)).getPort();
    }

    /** Connections open now. Any thread (a racy read). */
    public int connectionCount() {
        return server.connectionCount();
    }

    /**
     * Graceful shutdown: stops accepting; closes idle keep-alive connections now; lets the
     * requests in progress finish, their responses saying {@code Connection: close}; aborts
     * whatever is still open at {@code deadline}. Completes when no connection is left.
     */
    public Promise<Void> shutdown(Duration deadline) {
        server.close();
        return state.shutdown(deadline);
    }

    /** Stops accepting and aborts every connection now. */
    public void close() {
        server.close();
        state.abortAll();
    }
}
