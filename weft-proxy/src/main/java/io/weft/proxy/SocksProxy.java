package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.proxy.internal.ListenerGroup;
import io.weft.proxy.internal.SocksSession;
import java.io.IOException;
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
 * unaffected.
 *
 * <p>It runs on one loop ({@link #start(EventLoop, InetSocketAddress, ProxyPolicy, Credentials, ProxyEvents)})
 * or on every loop of a {@link LoopGroup}, each loop accepting its own clients; the policy's
 * per-client limit counts a client's connections over all loops. Every method may be called
 * from any thread; {@link ProxyEvents} are called on each connection's loop.
 */
public final class SocksProxy {
    private final ListenerGroup listeners;

    private SocksProxy(ListenerGroup listeners) {
        this.listeners = listeners;
    }

    /**
     * Listens on {@code address} with {@code loop} (use 127.0.0.1 unless the policy allows other clients).
     *
     * @param credentials the users allowed in, or null for no authentication
     * @return the proxy once it listens; fails with {@link IllegalArgumentException} for a
     *         non-loopback address without client networks, or the bind error
     */
    public static Promise<SocksProxy> start(EventLoop loop, InetSocketAddress address, ProxyPolicy policy,
            Credentials credentials, ProxyEvents events) {
        return ListenerGroup.open(loop, address, policy, events, l -> () -> new SocksSession(l, credentials)).map(SocksProxy::new);
    }

    /**
     * Listens on {@code address} with every loop of {@code group}. Blocks until every loop
     * listens: call it from a thread outside the group.
     *
     * @throws IllegalArgumentException for a non-loopback address without client networks
     * @throws IOException              the bind error
     */
    public static SocksProxy start(LoopGroup group, InetSocketAddress address, ProxyPolicy policy,
            Credentials credentials, ProxyEvents events) throws IOException {
        return new SocksProxy(ListenerGroup.open(group, address, policy, events,
                l -> () -> new SocksSession(l, credentials)));
    }

    /** For tests: the per-loop listeners. */
    ListenerGroup listeners() {
        return listeners;
    }

    /** The address it listens on, with the real port. */
    public InetSocketAddress address() {
        return listeners.address();
    }

    /** Client connections open now over every loop (in a handshake or a tunnel). */
    public int activeConnections() {
        return listeners.active();
    }

    /** Tunnels opened since the start. */
    public long tunnelsOpened() {
        return listeners.tunnelsOpened();
    }

    /** Stops accepting; tunnels end on their own, or are cut after {@code deadline}. Completes when none is left. */
    public Promise<Void> drain(Duration deadline) {
        return listeners.drain(deadline);
    }

    /** Stops accepting and cuts every connection now. */
    public void close() {
        listeners.close();
    }
}
