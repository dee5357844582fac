package io.weft.net;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS settings for a server or a client connection.
 *
 * @param context          where keys and trust come from
 * @param protocols        the TLS versions allowed; only {@code TLSv1.3} and {@code TLSv1.2} are accepted
 * @param handshakeTimeout a handshake not done within this fails the connection
 * @param serverName       client side: the name to send (SNI) and to verify the certificate
 *                         against; null means the host passed to {@code createConnection}
 * @param verifyHostname   client side: check the server certificate names {@code serverName}. On by default.
 * @param clientAuth       server side: whether to ask clients for certificates
 * @param applicationProtocols ALPN protocol names to offer or accept, in preference order; may be empty
 * @param cipherSuites     the JSSE names of the suites to enable, in preference order; empty means
 *                         Weft's default: on a server, the AEAD suites only (TLS 1.3's, and on
 *                         TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305: no CBC, whose MAC-then-
 *                         encrypt padding invites timing attacks such as LUCKY13); on a client,
 *                         the JDK's enabled suites, so that it can still reach older servers
 * @param allowClientRenegotiation server side, TLS 1.2: accept a renegotiation the client starts.
 *                         Off by default: each costs the server a full handshake's CPU for a few
 *                         bytes from the client (a DoS lever), and nothing modern needs it. When
 *                         off, a client's renegotiation request fails its connection: the
 *                         client gets a fatal {@code handshake_failure} alert, then the close.
 */
public record TlsOptions(
        SSLContext context,
        List<String> protocols,
        Duration handshakeTimeout,
        String serverName,
        boolean verifyHostname,
        ClientAuth clientAuth,
        List<String> applicationProtocols,
        List<String> cipherSuites,
        boolean allowClientRenegotiation) {

    /** Whether a TLS server asks its clients for certificates. */
    public enum ClientAuth { NONE, WANT, NEED }

    private static final List<String> ALLOWED = List.of("TLSv1.3", "TLSv1.2");

    public TlsOptions {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(clientAuth, "clientAuth");
        protocols = List.copyOf(protocols);
        applicationProtocols = List.copyOf(applicationProtocols);
        cipherSuites = List.copyOf(cipherSuites);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("at least one TLS protocol version is needed: TLSv1.3 or TLSv1.2");
        }
        for (String p : protocols) {
            if (!ALLOWED.contains(p)) {
                throw new IllegalArgumentException("TLS version " + p + " is not allowed; Weft speaks only " + ALLOWED);
            }
        }
    }

    /** Client options trusting the JDK's default trust store, hostname verification on. */
    public static TlsOptions client() {
        try {
            return builder(SSLContext.getDefault()).build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default SSLContext", e);
        }
    }

    public static Builder builder(SSLContext context) {
        return new Builder(context);
    }

    public Builder toBuilder() {
        Builder b = new Builder(context);
        b.protocols = protocols;
        b.handshakeTimeout = handshakeTimeout;
        b.serverName = serverName;
        b.verifyHostname = verifyHostname;
        b.clientAuth = clientAuth;
        b.applicationProtocols = applicationProtocols;
        b.cipherSuites = cipherSuites;
        b.allowClientRenegotiation = allowClientRenegotiation;
        return b;
    }

    public static final class Builder {
        private final SSLContext context;
        private List<String> protocols = ALLOWED;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private String serverName;
        private boolean verifyHostname = true;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> applicationProtocols = List.of();
        private List<String> cipherSuites = List.of();
        private boolean allowClientRenegotiation;

        private Builder(SSLContext context) {
            this.context = context;
        }

        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /** Turning this off accepts any certificate name: for tests against self-signed peers only. */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
            return this;
        }

        public Builder applicationProtocols(String... names) {
            this.applicationProtocols = List.of(names);
            return this;
        }

        /**
         * The suites to enable (JSSE names such as {@code TLS_AES_128_GCM_SHA256}), in preference
         * order, instead of Weft's default; none at all restores the default. A name the JDK does
         * not support fails the handshake's set-up with {@link IllegalArgumentException}.
         */
        public Builder cipherSuites(String... names) {
            this.cipherSuites = List.of(names);
            return this;
        }

        /** Server side, TLS 1.2: accept renegotiations the client starts (off by default: a DoS lever). */
        public Builder allowClientRenegotiation(boolean allow) {
            this.allowClientRenegotiation = allow;
            return this;
        }

        public TlsOptions build() {
            return new TlsOptions(context, protocols, handshakeTimeout, serverName, verifyHostname, clientAuth,
                    applicationProtocols, cipherSuites, allowClientRenegotiation);
        }
    }
}
