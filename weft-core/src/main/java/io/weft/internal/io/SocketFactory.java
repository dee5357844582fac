package io.weft.internal.io;

import io.weft.net.DatagramOptions;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * Opens sockets on one driver: the only way the layers above get a socket, so servers,
 * connectors, datagram endpoints, a group's hand-offs and green sockets never see which backend
 * they run on. Each backend has one. Loop thread only.
 */
public interface SocketFactory {

    /**
     * A listening socket bound to {@code address} (TCP, or Unix domain with its socket file made
     * and a stale one cleared), not yet accepting. Failures are typed: a {@link
     * java.net.BindException} names the address.
     */
    ListenIo listen(SocketAddress address, ServerOptions options) throws IOException;

    /**
     * Starts connecting to {@code remote} (TCP or Unix domain) and reports the outcome to
     * {@code sink}, on a later turn or (for a connect that completes at once) before returning.
     *
     * @param local   the address to bind first, or null
     * @param noDelay TCP_NODELAY, for TCP
     */
    ConnectIo connect(SocketAddress remote, SocketAddress local, boolean noDelay, ConnectSink sink)
            throws IOException;

    /**
     * Serves a socket accepted by this or another loop's listener of the same backend, making the
     * {@link SocketIo} that a transport sits on. Takes ownership: closes it on failure.
     *
     * @throws IllegalArgumentException the socket came from another kind of backend
     */
    SocketIo adopt(AcceptedSocket socket, boolean noDelay) throws IOException;

    /**
     * A UDP socket bound to {@code local} (or an ephemeral port) and connected to {@code remote}
     * when given, with the options applied.
     *
     * @param receiveLimit the largest datagram to receive; longer ones arrive cut to it
     */
    DatagramIo openDatagram(SocketAddress local, SocketAddress remote, DatagramOptions options, int receiveLimit)
            throws IOException;
}
