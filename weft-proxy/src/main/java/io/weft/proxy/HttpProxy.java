package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.http.HttpProxySession;
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
 * <p>Answers of its own: 400 for a malformed request or an origin-form target, 403 for a
 * destination outside the policy, 408 for a head not complete within
 * {@link ProxyPolicy#handshakeTimeout()}, 501 for a URI scheme other than http, 502 when the
 * upstream cannot be reached or breaks the protocol, 504 for a connect timeout. Loop thread only.
 */
public final class HttpProxy {
    private final Listener listener;

    private HttpProxy(Listener listener) {
        this.listener = listener;
    }

    /** Listens on {@code address}; fails like {@link SocksProxy#start}. */
    public static Promise<HttpProxy> start(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            ProxyEvents events) {
        return Listener.open(loop, address, policy, events, HttpProxySession::new).map(HttpProxy::new);
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    public int activeConnections() {
        return listener.active();
    }

    public long tunnelsOpened() {
        return listener.tunnelsOpened();
    }

    /** Stops accepting; connections end on their own, or are cut after {@code deadline}. */
    public Promise<Void> drain(Duration deadline) {
        return listener.drain(deadline);
    }

    public void close() {
        listener.close();
    }
}
