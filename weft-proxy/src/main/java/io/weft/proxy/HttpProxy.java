package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.proxy.internal.ListenerGroup;
import io.weft.proxy.internal.http.HttpProxySession;
import io.weft.proxy.internal.http.OriginPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * An HTTP/1.1 proxy: {@code CONNECT host:port} tunnels (any protocol, typically TLS) and plain
 * forward requests in absolute form ({@code GET http://host/path HTTP/1.1}). Request heads are
 * parsed by weft-http's strict RFC 9112 parser, so what it rejects (smuggling attempts, bad
 * framing, oversized heads) the proxy answers with the same status and closes. Forwarded
 * requests and responses lose their hop-by-hop fields and gain {@code Via}; the client's
 * connection is kept alive between requests unless it or the response says otherwise.
 *
 * <p><b>Authentication.</b> With {@link HttpProxyOptions#users()}, every request (CONNECT and
 * forward) must carry {@code Proxy-Authorization: Basic ...} naming a user of the file; a
 * missing, malformed or wrong one is answered 407 with {@code Proxy-Authenticate: Basic
 * realm="weft"} and the connection closes. Passwords are compared in constant time. The field
 * is never forwarded.
 *
 * <p><b>Origin connections.</b> Forward requests reuse idle keep-alive connections to the same
 * origin (address and port), at most {@link HttpProxyOptions#maxIdlePerOrigin()} idle per
 * origin on each loop, each closed after {@link HttpProxyOptions#idleTimeout()}. A connection
 * goes back to the pool only when its response was read to the end its framing gives (never a
 * response delimited by the close, never one with {@code Connection: close}, never after an
 * error or a client that left) and the request was sent whole. Only requests that can be
 * replayed — no body, and an idempotent method (RFC 9110 9.2.2) — are sent on a pooled
 * connection; if the origin closed it meanwhile and not a byte of response came back, such a
 * request is sent once more on a new connection. Requests with a body always get a new one.
 *
 * <p><b>Upgrade.</b> A request without a body whose {@code Connection} names {@code upgrade}
 * keeps its {@code Upgrade} field on the way up; after a {@code 101 Switching Protocols} answer
 * (with {@code Upgrade}) the client and the origin are relayed as a tunnel (WebSocket, say).
 * A 101 the client did not ask for is a 502.
 *
 * <p>Answers of its own: 400 for a malformed request or an origin-form target, 403 for a
 * destination outside the policy, 407 as above, 408 for a head not complete within
 * {@link ProxyPolicy#handshakeTimeout()}, 501 for a URI scheme other than http, 502 when the
 * upstream cannot be reached or breaks the protocol, 504 for a connect timeout.
 *
 * <p>On a {@link LoopGroup} each loop accepts its own clients and keeps its own pool (a pooled
 * connection lives on one loop); per-client limits count over all loops. Every method may be
 * called from any thread; {@link ProxyEvents} are called on each connection's loop.
 */
public final class HttpProxy {
    private final ListenerGroup listeners;

    private HttpProxy(ListenerGroup listeners) {
        this.listeners = listeners;
    }

    /** Listens on {@code address} with {@code loop}, with {@link HttpProxyOptions#defaults()}; fails like {@link SocksProxy#start}. */
    public static Promise<HttpProxy> start(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            ProxyEvents events) {
        return start(loop, address, policy, HttpProxyOptions.defaults(), events);
    }

    /** Listens on {@code address} with {@code loop}; fails like {@link SocksProxy#start}. */
    public static Promise<HttpProxy> start(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            HttpProxyOptions options, ProxyEvents events) {
        return ListenerGroup.open(loop, address, policy, events, l -> sessions(l, options)).map(HttpProxy::new);
    }

    /**
     * Listens on {@code address} with every loop of {@code group}, each loop with its own pool.
     * Blocks until every loop listens: call it from a thread outside the group.
     *
     * @throws IllegalArgumentException for a non-loopback address without client networks
     * @throws IOException              the bind error
     */
    public static HttpProxy start(LoopGroup group, InetSocketAddress address, ProxyPolicy policy,
            HttpProxyOptions options, ProxyEvents events) throws IOException {
        return new HttpProxy(ListenerGroup.open(group, address, policy, events, l -> sessions(l, options)));
    }

    /** One loop's sessions, sharing that loop's pool; the pool closes its idle connections when the proxy stops. */
    private static java.util.function.Supplier<io.weft.net.Protocol> sessions(io.weft.proxy.internal.Listener l,
            HttpProxyOptions options) {
        OriginPool pool = new OriginPool(l.loop(), options.maxIdlePerOrigin(), options.idleTimeout());
        l.onStop(pool::close);
        return () -> new HttpProxySession(l, pool, options.users());
    }

    /** For tests: the per-loop listeners. */
    ListenerGroup listeners() {
        return listeners;
    }

    public InetSocketAddress address() {
        return listeners.address();
    }

    /** Client connections open now over every loop. */
    public int activeConnections() {
        return listeners.active();
    }

    public long tunnelsOpened() {
        return listeners.tunnelsOpened();
    }

    /** Stops accepting; connections end on their own, or are cut after {@code deadline}. */
    public Promise<Void> drain(Duration deadline) {
        return listeners.drain(deadline);
    }

    /** Stops accepting and cuts every connection now. */
    public void close() {
        listeners.close();
    }
}
