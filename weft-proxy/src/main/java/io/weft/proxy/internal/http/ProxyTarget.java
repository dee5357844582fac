package io.weft.proxy.internal.http;

import io.weft.proxy.ProxyHandshakeException;
import io.weft.proxy.ProxyHandshakeException.Reason;
import java.util.Locale;

/**
 * Where a proxy request goes, read from a request-target whose bytes {@code RequestParser} has
 * already checked: CONNECT's authority-form {@code host:port} (RFC 9112 3.2.3), or an
 * {@code http://} absolute-form URI (3.2.2) whose path and query go upstream in origin-form.
 * The client chose every byte, so the answer is a target or a {@link BadTarget} with the status
 * to send; never anything else.
 *
 * @param host      a name or an IP literal, brackets taken off; never empty
 * @param port      1 to 65535
 * @param authority as the client wrote it ({@code host[:port]}), for the upstream's Host
 * @param path      the origin-form for upstream, starting with "/" (forwarding only; null for CONNECT)
 */
record ProxyTarget(String host, int port, String authority, String path) {

    /** CONNECT's target: {@code host:port}, the host a name, IPv4 or a bracketed IPv6 literal. */
    static ProxyTarget connect(String target) throws BadTarget {
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new BadTarget(400, Reason.MALFORMED, "CONNECT needs an authority-form request-target, host:port");
        }
        return new ProxyTarget(host(target.substring(0, colon), target), port(target.substring(colon + 1), target),
                target, null);
    }

    /** A request to forward: {@code http://host[:port][/path][?query]}, port 80 unless given. */
    static ProxyTarget forward(String target) throws BadTarget {
        if (!target.toLowerCase(Locale.ROOT).startsWith("http://")) {
            if (target.startsWith("/")) {
                throw new BadTarget(400, Reason.MALFORMED,
                        "an origin-form request to a proxy: send the absolute URI (http://host/path)");
            }
            throw new BadTarget(501, Reason.UNSUPPORTED, "only http:// URIs are forwarded; use CONNECT for https");
        }
        int authStart = 7;
        int authEnd = authStart;
        while (authEnd < target.length() && "/?#".indexOf(target.charAt(authEnd)) < 0) {
            authEnd++;
        }
        String authority = target.substring(authStart, authEnd);
        String path = authEnd == target.length() ? "/" : target.charAt(authEnd) == '?' ? "/" + target.substring(authEnd)
                : target.substring(authEnd);
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            throw new BadTarget(400, Reason.MALFORMED,
                    "the URI's authority must be host[:port], without user information");
        }
        int colon = authority.lastIndexOf(':');
        if (colon > authority.lastIndexOf(']')) {
            return new ProxyTarget(host(authority.substring(0, colon), authority),
                    port(authority.substring(colon + 1), authority), authority, path);
        }
        return new ProxyTarget(host(authority, authority), 80, authority, path);
    }

    /**
     * The host without an IP literal's brackets. Never empty: an empty name would resolve to
     * this machine ({@code InetAddress.getAllByName("")} is the loopback address).
     */
    private static String host(String host, String authority) throws BadTarget {
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            throw new BadTarget(400, Reason.MALFORMED, "no host in " + authority);
        }
        return host;
    }

    /** RFC 3986's port is digits; one a TCP connection can use is 1 to 65535. */
    private static int port(String digits, String authority) throws BadTarget {
        int port = 0;
        for (int i = 0; i < digits.length() && port <= 65535; i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                port = -1;
                break;
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw new BadTarget(400, Reason.MALFORMED, "a bad port in " + authority);
        }
        return port;
    }

    /** A request-target the proxy cannot serve, with the status to answer. */
    static final class BadTarget extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final Reason reason;

        BadTarget(int status, Reason reason, String message) {
            super(message);
            this.status = status;
            this.reason = reason;
        }

        int status() {
            return status;
        }

        ProxyHandshakeException toHandshakeException() {
            return new ProxyHandshakeException(reason, getMessage());
        }
    }
}
