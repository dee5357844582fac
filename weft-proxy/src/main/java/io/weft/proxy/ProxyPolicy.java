package io.weft.proxy;

import io.weft.net.Relay;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Who may use a proxy, where it may connect, and its limits. The defaults are safe: only
 * loopback clients, any destination (loopback included, so it works on one machine out of the
 * box), at most {@value #DEFAULT_MAX_PER_CLIENT} connections per client address.
 *
 * @param clientNetworks          networks clients may come from; empty means loopback only.
 *                                Listening beyond loopback needs a non-empty list
 *                                ({@link #checkListen})
 * @param destinationNetworks     networks the proxy may connect to; empty means any
 * @param destinationPorts        ports the proxy may connect to; empty means any
 * @param maxConnectionsPerClient connections one client address may hold at once; 0 means no limit
 * @param handshakeTimeout        a client that has not finished its proxy handshake (SOCKS
 *                                negotiation, an HTTP request head) within this is closed
 * @param connectTimeout          give up on an upstream connection attempt after this
 * @param relay                   water marks and idle timeout of each tunnel
 */
public record ProxyPolicy(
        List<Cidr> clientNetworks,
        List<Cidr> destinationNetworks,
        List<PortRange> destinationPorts,
        int maxConnectionsPerClient,
        Duration handshakeTimeout,
        Duration connectTimeout,
        Relay.Options relay) {

    public static final int DEFAULT_MAX_PER_CLIENT = 2048;

    public ProxyPolicy {
        clientNetworks = List.copyOf(clientNetworks);
        destinationNetworks = List.copyOf(destinationNetworks);
        destinationPorts = List.copyOf(destinationPorts);
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(relay, "relay");
        if (maxConnectionsPerClient < 0) {
            throw new IllegalArgumentException("maxConnectionsPerClient must be 0 (no limit) or positive");
        }
    }

    /** Loopback clients, any destination, 2048 connections per client, 10 s handshake and connect, 10 min idle. */
    public static ProxyPolicy defaults() {
        return new ProxyPolicy(List.of(), List.of(), List.of(), DEFAULT_MAX_PER_CLIENT, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Relay.Options.defaults().withIdleTimeout(Duration.ofMinutes(10)));
    }

    public ProxyPolicy withClientNetworks(List<Cidr> networks) {
        return new ProxyPolicy(networks, destinationNetworks, destinationPorts, maxConnectionsPerClient,
                handshakeTimeout, connectTimeout, relay);
    }

    public ProxyPolicy withDestinations(List<Cidr> networks, List<PortRange> ports) {
        return new ProxyPolicy(clientNetworks, networks, ports, maxConnectionsPerClient, handshakeTimeout,
                connectTimeout, relay);
    }

    public ProxyPolicy withMaxConnectionsPerClient(int max) {
        return new ProxyPolicy(clientNetworks, destinationNetworks, destinationPorts, max, handshakeTimeout,
                connectTimeout, relay);
    }

    public ProxyPolicy withTimeouts(Duration handshake, Duration connect) {
        return new ProxyPolicy(clientNetworks, destinationNetworks, destinationPorts, maxConnectionsPerClient,
                handshake, connect, relay);
    }

    public ProxyPolicy withRelay(Relay.Options options) {
        return new ProxyPolicy(clientNetworks, destinationNetworks, destinationPorts, maxConnectionsPerClient,
                handshakeTimeout, connectTimeout, options);
    }

    /**
     * Refuses to listen beyond loopback without an allow-list, so nobody runs an open proxy by
     * accident.
     *
     * @throws IllegalArgumentException saying what to add
     */
    public void checkListen(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a != null && !a.isLoopbackAddress() && clientNetworks.isEmpty()) {
            throw new IllegalArgumentException("listening on " + a.getHostAddress() + " reaches beyond loopback: name the"
                    + " client networks allowed to use the proxy (ProxyPolicy.withClientNetworks, --allow CIDR)");
        }
    }

    /** Whether a client from {@code address} may use the proxy. */
    public boolean allowsClient(InetAddress address) {
        return clientNetworks.isEmpty() ? address.isLoopbackAddress() || isMappedLoopback(address)
                : Cidr.any(clientNetworks, address);
    }

    /** Whether the proxy may connect to {@code address}:{@code port}. */
    public boolean allowsDestination(InetAddress address, int port) {
        if (!destinationNetworks.isEmpty() && !Cidr.any(destinationNetworks, address)) {
            return false;
        }
        if (destinationPorts.isEmpty()) {
            return true;
        }
        for (PortRange r : destinationPorts) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isMappedLoopback(InetAddress a) {
        return Cidr.LOOPBACK.get(0).contains(a);
    }
}
