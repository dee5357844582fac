package io.weft.net;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.net.Connector;
import io.weft.internal.net.Resolver;
import io.weft.internal.net.SocketServer;
import io.weft.internal.net.SpreadServer;
import io.weft.internal.net.tls.TlsLayer;
import io.weft.internal.net.udp.Datagrams;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where servers, connections and endpoints start: TCP and Unix domain stream sockets, and UDP.
 *
 * <p>Every method must be called on the loop's thread (or, before the loop runs, the thread
 * that created it). Results arrive as {@link Promise}s whose callbacks run on the loop.
 */
public final class Net {
    private Net() {
    }

    /**
     * Listens on {@code address}: an {@link InetSocketAddress} (port 0 picks a free port) or a
     * {@link java.net.UnixDomainSocketAddress}. Each accepted connection gets a fresh protocol
     * from {@code protocolFactory}.
     */
    public static Promise<Server> createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
            SocketAddress address, ServerOptions options) {
        return listen(Loop.of(loop), protocolFactory, List.of(address), options);
    }

    /**
     * Listens on every address {@code host} resolves to, or on all interfaces when
     * {@code host} is null. The name is resolved off the loop thread.
     */
    public static Promise<Server> createServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
            String host, int port, ServerOptions options) {
        Loop l = Loop.of(loop);
        if (host == null) {
            return listen(l, protocolFactory, List.of(new InetSocketAddress(port)), options);
        }
        return Resolver.resolve(l, host).flatMap(addresses -> {
            List<SocketAddress> all = new ArrayList<>();
            for (InetAddress a : addresses) {
                all.add(new InetSocketAddress(a, port));
            }
            return listen(l, protocolFactory, all, options);
        });
    }

    private static Promise<Server> listen(Loop loop, Supplier<? extends Protocol> factory, List<SocketAddress> addresses,
            ServerOptions options) {
        try {
            return Promise.completed(loop, SocketServer.listen(loop, factory, addresses, options));
        } catch (IOException e) {
            return Promise.failed(loop, e);
        }
    }

    /**
     * Listens on {@code address} with every loop of {@code group}, each connection living on one
     * loop for its whole life (see {@link GroupServer}). Blocks until every loop listens, so call
     * it from a thread that is not one of the group's. {@code maxConnections} applies per loop.
     */
    public static GroupServer createServer(LoopGroup group, Supplier<? extends Protocol> protocolFactory,
            SocketAddress address, ServerOptions options) throws IOException {
        for (EventLoop l : group.loops()) {
            if (l.inLoop()) {
                throw new WrongThreadException("createServer(LoopGroup, ...) waits for every loop of the group;"
                        + " call it from a thread outside the group");
            }
        }
        return SpreadServer.listen(group, protocolFactory, address, options);
    }

    /**
     * Like {@link #createServer(LoopGroup, Supplier, SocketAddress, ServerOptions)}, with a
     * protocol factory made once per loop: {@code perLoop} is called on each loop's thread with
     * that loop, so what the factory shares between its connections (a chat room's share, a
     * cache, a pool of upstream connections) is confined to one loop and needs no locks.
     */
    public static GroupServer createServer(LoopGroup group,
            java.util.function.Function<EventLoop, ? extends Supplier<? extends Protocol>> perLoop,
            SocketAddress address, ServerOptions options) throws IOException {
        for (EventLoop l : group.loops()) {
            if (l.inLoop()) {
                throw new WrongThreadException("createServer(LoopGroup, ...) waits for every loop of the group;"
                        + " call it from a thread outside the group");
            }
        }
        return SpreadServer.listen(group, perLoop, address, options);
    }

    /**
     * Connects to {@code host}:{@code port}. The name is resolved off the loop thread; when it
     * has several addresses they are raced as RFC 8305 describes. The promise completes with the
     * protocol once it got {@link Protocol#connectionMade} (after the TLS handshake, with TLS),
     * or fails: {@link java.net.ConnectException}, {@link java.net.UnknownHostException},
     * {@link java.util.concurrent.TimeoutException}. Cancelling it abandons the attempt.
     */
    public static <P extends Protocol> Promise<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            String host, int port, ConnectOptions options) {
        return Connector.connect(Loop.of(loop), protocolFactory, host, port, options);
    }

    /**
     * Upgrades a live plain connection to TLS (STARTTLS): {@code app} becomes the protocol of a
     * new, encrypting transport once the handshake is done. Same as
     * {@link #startTls(Transport, Protocol, TlsOptions, boolean, ByteBuffer)} with nothing
     * already received.
     */
    public static Promise<Transport> startTls(Transport transport, Protocol app, TlsOptions options,
            boolean serverSide) {
        return startTls(transport, app, options, serverSide, null);
    }

    /**
     * Upgrades a live plain connection to TLS (STARTTLS, as in SMTP, IMAP, XMPP or PostgreSQL).
     * The TLS layer becomes {@code transport}'s protocol ({@link Transport#setProtocol}) and
     * starts the handshake at once. When it is done, {@code app} gets
     * {@link Protocol#connectionMade} with the TLS transport, and then the promise completes
     * with that same transport. If it fails, the connection is closed and the promise fails with
     * a {@link TlsHandshakeException}; {@code app} hears nothing.
     *
     * <h2>Rules</h2>
     * <pre>
     *   plain protocol P on transport T
     *     --P agrees to upgrade (e.g. "STARTTLS" / "220 go ahead")--&gt; P calls startTls(T, app, ...)
     *     --handshake--&gt; app.connectionMade(tls) --&gt; promise completes(tls)
     * </pre>
     * <ul>
     *   <li>Call it on the loop thread, typically from P's {@code dataReceived}, right after
     *       the plain-text exchange that agrees to switch. From then on P gets no more calls at
     *       all (not even {@code connectionLost}): T's events go to the TLS layer.</li>
     *   <li>Nothing is lost on either side. Plain text P wrote before the call is sent before
     *       the first TLS byte (T's write buffer is in order). Bytes P has already received
     *       after the agreement, e.g. a ClientHello that came in the same read as the
     *       "STARTTLS" line, must be passed as {@code received} (this call consumes them); bytes
     *       T receives later go to the TLS layer.</li>
     *   <li>The server side ({@code serverSide = true}) must have sent its "go ahead" before the
     *       call or in P's same callback; the client side must call it only after reading the
     *       go-ahead, so that the server is ready for the ClientHello it sends at once.</li>
     *   <li>Afterwards use only the TLS transport: writing to T directly would put plain
     *       bytes in the middle of the TLS stream. Closing the TLS transport sends close_notify
     *       and closes T.</li>
     *   <li>Client side, the certificate is checked against {@link TlsOptions#serverName()}, or,
     *       when that is null, against T's remote address as a literal IP: set the server name
     *       to check a DNS name.</li>
     *   <li>If P had paused reading, reading is resumed for the handshake; the TLS transport
     *       starts reading as a new connection would. Its flow control is T's: its water marks
     *       are T's (setting them on the TLS transport sets them on T).</li>
     * </ul>
     *
     * @param transport  a connected, open plain transport
     * @param app        the protocol to speak over TLS (may be P itself)
     * @param serverSide whether this end is the TLS server
     * @param received   ciphertext already read from {@code transport}, or null
     * @throws IllegalStateException if {@code transport} is closing
     */
    public static Promise<Transport> startTls(Transport transport, Protocol app, TlsOptions options,
            boolean serverSide, ByteBuffer received) {
        return TlsLayer.startTls(transport, app, options, serverSide, received);
    }

    /** Connects to one address: TCP ({@link InetSocketAddress}) or Unix domain. */
    public static <P extends Protocol> Promise<P> createConnection(EventLoop loop, Supplier<P> protocolFactory,
            SocketAddress address, ConnectOptions options) {
        return Connector.connect(Loop.of(loop), protocolFactory, address, options);
    }

    /**
     * Listens on the Unix domain socket {@code path}; the same as {@link #createServer} with a
     * {@link UnixDomainSocketAddress}.
     *
     * <h2>The socket file</h2>
     * Listening creates the file; {@link Server#close()} removes it, but only if it is still the
     * file this server made (a later server may have taken the path over). A file left by a
     * process that died without closing is <em>stale</em>: when binding finds the path in use,
     * the server removes the file and binds again if, and only if, the file is a socket and a
     * connection attempt to it is refused (nobody listens). A file that is not a socket, or a
     * socket someone accepts connections on, is left alone and the promise fails with a
     * {@link java.net.BindException} that says so. Two servers started on one path at the same
     * instant can still race (one may remove the other's fresh file); guard the path with a
     * lock file if that can happen.
     *
     * <h2>Addresses</h2>
     * Accepted connections' {@link Transport#localAddress()} is {@code path}; their
     * {@link Transport#remoteAddress()} is the client's socket path, which is empty (an
     * {@link UnixDomainSocketAddress} of {@code ""}) for the usual client that did not bind
     * one. TCP options ({@link ServerOptions#noDelay()}, {@link ServerOptions#reuseAddress()},
     * {@link ServerOptions#reusePort()}) do not apply; the path must be short (about 100 bytes,
     * the kernel's {@code sun_path} limit).
     */
    public static Promise<Server> createUnixServer(EventLoop loop, Supplier<? extends Protocol> protocolFactory,
            Path path, ServerOptions options) {
        return createServer(loop, protocolFactory, UnixDomainSocketAddress.of(path), options);
    }

    /**
     * Connects to the Unix domain socket {@code path}; the same as {@link #createConnection(EventLoop,
     * Supplier, SocketAddress, ConnectOptions)} with a {@link UnixDomainSocketAddress}. Fails with
     * {@link java.net.ConnectException} if no file is there or nobody listens on it. TCP options
     * ({@link ConnectOptions#noDelay()}, {@link ConnectOptions#localAddress()}) do not apply.
     */
    public static <P extends Protocol> Promise<P> createUnixConnection(EventLoop loop, Supplier<P> protocolFactory,
            Path path, ConnectOptions options) {
        return createConnection(loop, protocolFactory, UnixDomainSocketAddress.of(path), options);
    }

    /**
     * Opens a UDP endpoint: binds a socket to {@code local} and, if {@code remote} is not null,
     * connects it there. The promise completes with the protocol once it got
     * {@link DatagramProtocol#connectionMade}, or fails ({@link java.net.BindException} if the
     * address is taken, say).
     *
     * <p>Both addresses must be {@link InetSocketAddress}es (the JDK has no Unix-domain datagram
     * sockets); an unresolved one is looked up off the loop thread and its first address used.
     * The socket's family (IPv4 or IPv6) follows the first specific address given; with none,
     * the socket is dual-stack where the host has IPv6.
     *
     * @param local  the address to bind: a specific address, a wildcard
     *               ({@code new InetSocketAddress(port)}), port 0 for a free port; or null for
     *               any address and a free port (the usual client)
     * @param remote null for an unconnected endpoint that sends anywhere with
     *               {@link DatagramTransport#sendTo}; else the one peer a connected endpoint
     *               talks to (and hears ICMP errors about, see {@link DatagramProtocol#errorReceived})
     */
    public static <P extends DatagramProtocol> Promise<P> createDatagramEndpoint(EventLoop loop,
            Supplier<P> protocolFactory, SocketAddress local, SocketAddress remote, DatagramOptions options) {
        return Datagrams.create(Loop.of(loop), protocolFactory, local, remote, options);
    }
}
