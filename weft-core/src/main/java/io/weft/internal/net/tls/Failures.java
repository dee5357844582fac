package io.weft.internal.net.tls;

import io.weft.net.TlsHandshakeException;
import io.weft.net.TlsHandshakeException.Reason;
import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The one place that turns the JDK's TLS exceptions into a {@link TlsHandshakeException} that
 * says what failed. The JDK tells the cause only in message text (and an alert name), so that is
 * what is matched; anything not recognised keeps the JDK's words.
 */
final class Failures {
    private Failures() {
    }

    /**
     * @param peer       who we were talking to, e.g. {@code "server 127.0.0.1:4433"}
     * @param expectName client side with hostname verification: the name the certificate must
     *                   carry; else null
     */
    static TlsHandshakeException handshake(Throwable e, String peer, String expectName) {
        if (e instanceof TlsHandshakeException t) {
            return t;
        }
        String all = messages(e);
        String lower = all.toLowerCase(Locale.ROOT);
        String jdk = e.getMessage() == null ? e.toString() : e.getMessage();
        Reason reason;
        String what;
        if (has(e, CertificateExpiredException.class) || has(e, CertificateNotYetValidException.class)) {
            reason = Reason.UNTRUSTED_CERTIFICATE;
            what = "its certificate is outside its validity period";
        } else if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            reason = Reason.HOSTNAME_MISMATCH;
            what = "its certificate does not match host name " + expectName
                    + " (TlsOptions.serverName sets the name to check)";
        } else if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")
                || lower.contains("no trusted certificate")) {
            reason = Reason.UNTRUSTED_CERTIFICATE;
            what = "its certificate is not trusted: it does not chain to a certificate in the"
                    + " trust store of our SSLContext (a self-signed certificate must be trusted explicitly)";
        } else if (lower.contains("empty client certificate chain") || lower.contains("empty certificate chain")) {
            reason = Reason.CERTIFICATE_REQUIRED;
            what = "it sent no certificate, and we require one (client authentication NEED)";
        } else if (lower.contains("certificate_required")) {
            reason = Reason.CERTIFICATE_REQUIRED;
            what = "it requires a client certificate and we sent none (give our SSLContext a key manager)";
        } else if (lower.contains("unsupported or unrecognized ssl message")
                || lower.contains("plaintext connection")) {
            reason = Reason.NOT_TLS;
            what = "it does not speak TLS: what it sent is not a TLS record";
        } else if (lower.contains("no_application_protocol") || lower.contains("application protocol")) {
            reason = Reason.NOTHING_IN_COMMON;
            what = "no ALPN protocol in common";
        } else if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")
                || lower.contains("not accepted by server preferences")
                || lower.contains("not enabled or supported") || lower.contains("protocol version")) {
            reason = Reason.NOTHING_IN_COMMON;
            what = "no TLS version in common";
        } else if (lower.contains("no negotiable cipher") || lower.contains("no cipher suites in common")
                || lower.contains("insufficient_security")) {
            reason = Reason.NOTHING_IN_COMMON;
            what = "no cipher suite in common";
        } else if (lower.contains("received fatal alert")) {
            reason = Reason.REJECTED_BY_PEER;
            what = "it rejected the handshake with an alert" + alertHint(lower);
        } else {
            reason = Reason.OTHER;
            what = jdk;
        }
        String detail = reason == Reason.OTHER ? "" : " [" + jdk + "]";
        return new TlsHandshakeException(reason, "TLS handshake with " + peer + " failed: " + what + detail, e);
    }

    /**
     * A failure after our side finished the handshake. In TLS 1.3 the client finishes first, so
     * a server that rejects its certificate says so only now, with an alert: that is still a
     * handshake failure and is reported as one. Anything else is returned as it is.
     */
    static IOException afterHandshake(Throwable e, String peer) {
        String lower = messages(e).toLowerCase(Locale.ROOT);
        if (e instanceof SSLException && lower.contains("received fatal alert")
                && (lower.contains("certificate") || lower.contains("unknown_ca") || lower.contains("access_denied")
                        || lower.contains("handshake_failure"))) {
            return handshake(e, peer, null);
        }
        return e instanceof IOException io ? io : new SSLException(e);
    }

    static TlsHandshakeException timeout(String peer, Duration after) {
        return new TlsHandshakeException(Reason.TIMEOUT, "TLS handshake with " + peer + " did not finish within "
                + after.toMillis() + " ms", null);
    }

    /** The connection ended ({@code cause} null for a clean close) before the handshake finished. */
    static TlsHandshakeException closed(String peer, Throwable cause) {
        String how = cause == null ? "it closed the connection" : "the connection broke (" + cause.getMessage() + ")";
        return new TlsHandshakeException(Reason.CONNECTION_CLOSED, "TLS handshake with " + peer + " failed: " + how
                + " before the handshake finished", cause);
    }

    /** TCP EOF without close_notify, after the handshake. */
    static SSLException truncated(String peer, boolean midRecord, Throwable cause) {
        SSLException e = new SSLException(peer + " closed the TCP connection without a TLS close_notify"
                + (midRecord ? ", in the middle of a record" : "")
                + ": what was received may be truncated");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static String alertHint(String lower) {
        if (lower.contains("bad_certificate") || lower.contains("unknown_ca") || lower.contains("certificate_unknown")) {
            return ": it does not accept our certificate";
        }
        if (lower.contains("handshake_failure")) {
            return " (handshake_failure: it may require a client certificate we did not send, or have no cipher"
                    + " suite or signature scheme in common with us)";
        }
        return "";
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                b.append(t.getMessage()).append(" | ");
            }
        }
        return b.toString();
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
