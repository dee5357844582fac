package io.weft.internal.net.tls;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.net.Protocol;
import io.weft.net.TlsOptions;

/**
 * PLACEHOLDER, being written: TLS as a layer between a stream transport and the application's
 * protocol. To the transport it is a {@link Protocol}; to the application a transport.
 */
public final class TlsLayer {
    private TlsLayer() {
    }

    /** The protocol to give the raw transport of an accepted connection. */
    public static Protocol server(Loop loop, Protocol app, TlsOptions options) {
        throw new UnsupportedOperationException("TLS is not built yet");
    }

    /**
     * The protocol to give the raw transport of a client connection to {@code host}.
     * {@code handshake} completes when the application's protocol got connectionMade, or fails
     * with the handshake's failure.
     */
    public static Protocol client(Loop loop, Protocol app, TlsOptions options, String host, int port,
            Promise<Void> handshake) {
        throw new UnsupportedOperationException("TLS is not built yet");
    }
}
