package io.weft.proxy;

import io.weft.net.Relay;
import java.net.SocketAddress;

/**
 * What a proxy tells its owner, for logs and counters. Every method has an empty default.
 * Called on the loop thread of the connection concerned: for a proxy on a loop group, from
 * several threads at once, so an implementation must be thread-safe. Keep them short, they run
 * between I/O callbacks.
 */
public interface ProxyEvents {
    ProxyEvents NONE = new ProxyEvents() {
    };

    /** A client was turned away before any handshake: not allowed, or over its connection limit. */
    default void clientRefused(SocketAddress client, String why) {
    }

    /** A client's handshake failed; the connection was closed (after an error reply, where the protocol has one). */
    default void handshakeFailed(SocketAddress client, ProxyHandshakeException error) {
    }

    /** A tunnel is up between {@code client} and {@code upstream}. */
    default void tunnelOpened(SocketAddress client, SocketAddress upstream, Relay relay) {
    }

    /** A tunnel ended; {@link Relay#cause()} says why, null for a clean end. */
    default void tunnelClosed(SocketAddress client, Relay relay) {
    }
}
