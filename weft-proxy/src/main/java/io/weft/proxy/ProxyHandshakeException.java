package io.weft.proxy;

import java.io.IOException;

/**
 * A client's proxy handshake failed: what it sent broke the protocol, it was too slow, or the
 * request could not be served. {@link #reason()} says which, for counters and tests.
 */
public final class ProxyHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a handshake failed. */
    public enum Reason {
        /** Bytes that break the protocol: a wrong version, a bad length, a malformed request. */
        MALFORMED,
        /** A command, method or address type this proxy does not serve. */
        UNSUPPORTED,
        /** No acceptable authentication method, or wrong credentials. */
        AUTHENTICATION,
        /** The handshake did not finish within the policy's handshake timeout. */
        TIMEOUT,
        /** The destination is outside the policy's networks or ports. */
        DESTINATION_DENIED,
        /** The name did not resolve. */
        UNKNOWN_HOST,
        /** Connecting upstream failed: refused, unreachable or timed out. */
        UPSTREAM_FAILED,
        /** The client left before the handshake finished. */
        CLIENT_GONE
    }

    private final Reason reason;

    public ProxyHandshakeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ProxyHandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
