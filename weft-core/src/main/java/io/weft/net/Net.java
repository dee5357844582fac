package io.weft.net;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.internal.net.Connector;
import io.weft.internal.net.Resolver;
import io.weft.internal.net.SocketServer;
import io.weft.internal.net.SpreadServer;
import io.weft.internal.net.tls.TlsLayer;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where stream servers and connections start: TCP and Unix domain sockets.
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
}
