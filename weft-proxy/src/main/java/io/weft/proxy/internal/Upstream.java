package io.weft.proxy.internal;

import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.nio.ByteBuffer;

/**
 * The protocol of an upstream connection between connect and the relay taking over: it stops
 * reading at once, so nothing arrives that would have to be held, and remembers whether the
 * connection was lost meanwhile. Loop thread.
 */
public final class Upstream implements Protocol {
    private Transport transport;
    private boolean lost;

    @Override
    public void connectionMade(Transport t) {
        this.transport = t;
        t.pauseReading();
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // Not reading: a readiness backend delivers nothing now. A completion backend may hand
        // over a read already in flight only on resume, by which time the relay is the protocol.
        throw new IllegalStateException("upstream data before the relay started");
    }

    @Override
    public boolean eofReceived() {
        return false;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
    }

    public Transport transport() {
        return transport;
    }

    /** Whether the connection is still usable for a relay. */
    public boolean usable() {
        return transport != null && !lost && !transport.isClosing();
    }
}
