package io.weft.internal.net.tls;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.net.Protocol;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;

/**
 * Makes the TLS layer that goes between a stream transport and an application's protocol: to
 * the transport it is a {@link Protocol}; the application gets a {@link Transport} of its own
 * once the handshake is done. See {@link TlsConnection}.
 */
public final class TlsLayer {
    private TlsLayer() {
    }

    /** The protocol to give the raw transport of an accepted connection. */
    public static Protocol server(Loop loop, Protocol app, TlsOptions options) {
        return new TlsConnection(loop, Engines.server(options), options, app, null, null);
    }

    /**
     * The protocol to give the raw transport of a client connection to {@code host}.
     * {@code handshake} completes when the application's protocol got connectionMade, or fails
     * with the handshake's failure (a {@link io.weft.net.TlsHandshakeException}).
     */
    public static Protocol client(Loop loop, Protocol app, TlsOptions options, String host, int port,
            Promise<Void> handshake) {
        String name = options.serverName() != null ? options.serverName() : host;
        SSLEngine engine = Engines.client(options, name, port);
        return new TlsConnection(loop, engine, options, app, options.verifyHostname() ? name : null, (t, e) -> {
            if (e == null) {
                handshake.complete(null);
            } else {
                handshake.fail(e);
            }
        });
    }

    /**
     * Puts TLS on the live connection {@code raw} (STARTTLS): the layer becomes its protocol
     * and starts the handshake now; {@code received} holds ciphertext the caller already read
     * (consumed by this call). See {@link io.weft.net.Net#startTls} for the rules.
     */
    public static Promise<Transport> startTls(Transport raw, Protocol app, TlsOptions options, boolean serverSide,
            ByteBuffer received) {
        Objects.requireNonNull(app, "app");
        Loop loop = Loop.of(raw.loop());
        if (!loop.inLoop()) {
            throw new WrongThreadException("startTls must be called on the loop thread of " + raw);
        }
        if (raw.isClosing()) {
            throw new IllegalStateException("cannot start TLS on " + raw + ": it is closing");
        }
        Promise<Transport> done = loop.newPromise();
        SSLEngine engine;
        String expect = null;
        if (serverSide) {
            engine = Engines.server(options);
        } else {
            SocketAddress remote = raw.remoteAddress();
            String name = options.serverName();
            int port = remote instanceof InetSocketAddress i ? i.getPort() : 0;
            if (name == null) {
                name = remote instanceof InetSocketAddress i ? i.getHostString() : String.valueOf(remote);
            }
            engine = Engines.client(options, name, port);
            expect = options.verifyHostname() ? name : null;
        }
        TlsConnection tls = new TlsConnection(loop, engine, options, app, expect, (t, e) -> {
            if (e == null) {
                done.complete(t);
            } else {
                done.fail(e);
            }
        });
        raw.setProtocol(tls);
        tls.connectionMade(raw);
        if (received != null && received.hasRemaining()) {
            tls.dataReceived(received);
        }
        return done;
    }
}
