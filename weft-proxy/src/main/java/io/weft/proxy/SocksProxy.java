package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.SocksSession;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A SOCKS5 server (RFC 1928): CONNECT to IPv4, IPv6 and domain-name destinations, the name
 * resolved by the proxy on the loop's offload pool, never on the loop. With {@link Credentials}
 * it requires username/password authentication (RFC 1929); without, it offers "no
 * authentication". BIND and UDP ASSOCIATE are answered "command not supported".
 *
 * <p>Replies follow RFC 1928 section 6: 02 for a destination outside the policy, 03 for a
 * network unreachable, 04 for a host unreachable or a name that does not resolve, 05 for a
 * refused connection, 06 ("TTL expired") for a connect timeout, 07 and 08 for an unsupported
 * command or address type, 01 for anything else. A client that breaks the protocol, or does not
 * finish its handshake within {@link ProxyPolicy#handshakeTimeout()}, is closed; others are
 * unaffected. Loop thread only, except where noted.
 */
public final class SocksProxy {
    private final Listener listener;

    private SocksProxy(Listener listener) {
        this.listener = listener;
    }

    /**
     * Listens on {@code address} (use 127.0.0.1 unless the policy allows other clients).
     *
     * @param credentials the users allowed in, or null for no authentication
     * @return the proxy once it listens; fails with {@link IllegalArgumentException} for a
     *         non-loopback address without client networks, or the bind error
     */
    public static Promise<SocksProxy> start(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            Credentials credentials, ProxyEvents events) {
        return Listener.open(loop, address, policy, events, l -> new SocksSession(l, credentials)).map(SocksProxy::new);
    }

    /** The address it listens on, with the real port. */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** Client connections open now (in a handshake or a tunnel). */
    public int activeConnections() {
        return listener.active();
    }

    /** Tunnels opened since the start. */
    public long tunnelsOpened() {
        return listener.tunnelsOpened();
    }

    /** Stops accepting; tunnels end on their own, or are cut after {@code deadline}. */
    public Promise<Void> drain(Duration deadline) {
        return listener.drain(deadline);
    }

    /** Stops accepting and cuts every connection now. */
    public void close() {
        listener.close();
    }
}
