package io.weft.internal.net.tls;

import io.weft.net.TlsOptions;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Makes {@link SSLEngine}s configured as {@link TlsOptions} says. */
final class Engines {
    private Engines() {
    }

    /**
     * A client engine for a connection to {@code name} (the name to send as SNI and to check the
     * certificate against: {@link TlsOptions#serverName()} or the host connected to).
     */
    static SSLEngine client(TlsOptions options, String name, int port) {
        SSLEngine engine = options.context().createSSLEngine(name, port);
        engine.setUseClientMode(true);
        SSLParameters p = common(engine, options);
        if (options.verifyHostname()) {
            // "HTTPS" is RFC 2818/6125 matching: DNS names (with wildcards) and IP addresses
            // against the subjectAltName; the JDK checks it while validating the chain.
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(name)) {
            // RFC 6066 3: SNI carries DNS names only, never a literal address.
            try {
                p.setServerNames(List.of(new SNIHostName(stripTrailingDot(name))));
            } catch (IllegalArgumentException notADnsName) {
                // e.g. a Unix socket path used as "host": nothing sensible to send
            }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    static SSLEngine server(TlsOptions options) {
        SSLEngine engine = options.context().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = common(engine, options);
        if (options.cipherSuites().isEmpty()) {
            p.setCipherSuites(aeadOnly(engine.getEnabledCipherSuites()));
        }
        switch (options.clientAuth()) {
            case NEED -> p.setNeedClientAuth(true);
            case WANT -> p.setWantClientAuth(true);
            case NONE -> { }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    private static SSLParameters common(SSLEngine engine, TlsOptions options) {
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(options.protocols().toArray(String[]::new));
        if (!options.cipherSuites().isEmpty()) {
            p.setCipherSuites(options.cipherSuites().toArray(String[]::new));
        }
        if (!options.applicationProtocols().isEmpty()) {
            p.setApplicationProtocols(options.applicationProtocols().toArray(String[]::new));
        }
        return p;
    }

    /**
     * The AEAD suites among {@code enabled}, in its order: TLS 1.3's (all AEAD) and TLS 1.2's
     * ECDHE ones with AES-GCM or ChaCha20-Poly1305. Left out: CBC (MAC-then-encrypt, the root of
     * LUCKY13 and other padding-oracle attacks), static RSA key exchange (no forward secrecy),
     * and finite-field DHE (weak or slow groups in practice). Only the signalling suite
     * {@code TLS_EMPTY_RENEGOTIATION_INFO_SCSV} is kept besides, as RFC 5746 asks.
     */
    static String[] aeadOnly(String[] enabled) {
        return java.util.Arrays.stream(enabled).filter(Engines::isAead).toArray(String[]::new);
    }

    static boolean isAead(String suite) {
        if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            return true;
        }
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true; // TLS 1.3: every suite is AEAD
        }
        return suite.startsWith("TLS_ECDHE_")
                && (suite.contains("_WITH_AES_128_GCM_") || suite.contains("_WITH_AES_256_GCM_")
                        || suite.contains("_WITH_CHACHA20_POLY1305_"));
    }

    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6 (a DNS name has no colon)
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
