package io.weft.net;

import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS handshake failed. The message says what failed in words ("the certificate of
 * 127.0.0.1:4433 does not match host name example.com"); {@link #reason()} says it for code;
 * the JDK's own exception, when there is one, is the cause.
 *
 * <p>It is an {@link SSLHandshakeException}, so code that already catches the JDK's type keeps
 * working.
 */
public final class TlsHandshakeException extends SSLHandshakeException {

    /** What went wrong, as far as it can be told. */
    public enum Reason {
        /** The handshake did not finish within {@link TlsOptions#handshakeTimeout()}. */
        TIMEOUT,
        /** Client side: the server's certificate does not name the host we meant to reach. */
        HOSTNAME_MISMATCH,
        /** The peer's certificate does not chain to anything our trust store trusts, or has expired. */
        UNTRUSTED_CERTIFICATE,
        /** A certificate was required and none was sent (client authentication). */
        CERTIFICATE_REQUIRED,
        /** The peer sent a fatal alert: it rejected something of ours (see the message). */
        REJECTED_BY_PEER,
        /** No TLS version, cipher suite or ALPN protocol in common. */
        NOTHING_IN_COMMON,
        /** What the peer sent is not TLS (a plain-text client on a TLS port, say). */
        NOT_TLS,
        /** The connection closed or broke before the handshake finished. */
        CONNECTION_CLOSED,
        /** Anything else; see the cause. */
        OTHER
    }

    private final Reason reason;

    public TlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(message);
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    public Reason reason() {
        return reason;
    }
}
