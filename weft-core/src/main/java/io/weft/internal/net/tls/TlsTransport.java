package io.weft.internal.net.tls;

import io.weft.loop.EventLoop;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The transport a TLS connection's application protocol sees: plaintext in and out. Everything
 * is {@link TlsConnection}'s; this class only keeps the two faces of a connection apart, so the
 * application cannot call the raw side's protocol methods. Loop thread only.
 */
final class TlsTransport implements Transport {
    private final TlsConnection tls;

    TlsTransport(TlsConnection tls) {
        this.tls = tls;
    }

    TlsConnection connection() {
        return tls;
    }

    @Override
    public EventLoop loop() {
        return tls.raw().loop();
    }

    @Override
    public void write(ByteBuffer data) {
        tls.write(data);
    }

    @Override
    public void writeEof() {
        tls.writeEof();
    }

    @Override
    public boolean canWriteEof() {
        return tls.canWriteEof();
    }

    @Override
    public void close() {
        tls.close();
    }

    @Override
    public void abort() {
        tls.abort();
    }

    @Override
    public boolean isClosing() {
        return tls.isClosing();
    }

    @Override
    public void pauseReading() {
        tls.pauseReading();
    }

    @Override
    public void resumeReading() {
        tls.resumeReading();
    }

    @Override
    public boolean isReading() {
        return tls.isReading();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        tls.setWriteBufferLimits(high, low);
    }

    @Override
    public long writeBufferSize() {
        return tls.writeBufferSize();
    }

    @Override
    public SocketAddress localAddress() {
        return tls.raw().localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return tls.raw().remoteAddress();
    }

    @Override
    public Protocol protocol() {
        return tls.app();
    }

    @Override
    public void setProtocol(Protocol protocol) {
        tls.setApp(java.util.Objects.requireNonNull(protocol, "protocol"));
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return tls.handshakeDone() ? Optional.of(tls.engine().getSession()) : Optional.empty();
    }

    @Override
    public Optional<String> applicationProtocol() {
        if (!tls.handshakeDone()) {
            return Optional.empty();
        }
        String p = tls.engine().getApplicationProtocol();
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    @Override
    public String toString() {
        return "TlsTransport[" + tls + "]";
    }
}
