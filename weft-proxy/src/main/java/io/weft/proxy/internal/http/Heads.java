package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.Fields;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites message heads as a forwarding proxy must (RFC 9110 7.6): the hop-by-hop fields go
 * (Connection and every field it names, Keep-Alive, Proxy-Connection, Proxy-Authenticate,
 * Proxy-Authorization, TE, Upgrade), a {@code Via} naming this proxy is added, and the
 * proxy states its own {@code Connection}. Transfer-Encoding and Content-Length stay, even when
 * {@code Connection} names them: bodies are forwarded with the framing they came in. The one exception is {@code Upgrade} on a request the proxy lets
 * upgrade, and on the 101 that answers it: it names the protocol both ends switch to, so it is
 * passed on with {@code Connection: upgrade} (RFC 9110 7.8). Bytes are Latin-1 throughout, so
 * field values pass unchanged.
 */
final class Heads {
    static final String VIA_NAME = "weft";

    static final byte[] UPGRADE = "upgrade".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] PROXY_AUTHORIZATION = "proxy-authorization".getBytes(StandardCharsets.ISO_8859_1);

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "upgrade");
    // Not Trailer: RFC 9110 6.6.2 makes it end to end, and chunked bodies pass with their trailers.

    /** The answer to a CONNECT once the tunnel is up (RFC 9110 9.3.6: any 2xx; no body follows). */
    static final byte[] CONNECTED = ("HTTP/1.1 200 Connection Established\r\nVia: 1.1 " + VIA_NAME + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    private Heads() {
    }

    /**
     * The origin-form request head for upstream: {@code Host} from the URI, and
     * {@code Connection: keep-alive} (for the pool), {@code Connection: upgrade} with the
     * client's {@code Upgrade} value, or {@code Connection: close}.
     *
     * @param upgrade the client's Upgrade value to pass on, or null
     */
    static byte[] request(String method, String originTarget, int minor, String authority, Fields fields,
            boolean keepAlive, String upgrade) {
        StringBuilder s = new StringBuilder(256);
        s.append(method).append(' ').append(originTarget).append(" HTTP/1.1\r\n");
        s.append("Host: ").append(authority).append("\r\n");
        copyEndToEnd(s, fields, true);
        s.append("Via: 1.").append(minor).append(' ').append(VIA_NAME).append("\r\n");
        if (upgrade != null) {
            s.append("Upgrade: ").append(upgrade).append("\r\nConnection: upgrade\r\n\r\n");
        } else {
            s.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The Upgrade value a request may pass on, or null: it needs {@code upgrade} among its
     * {@code Connection} tokens and exactly one {@code Upgrade} field (RFC 9110 7.8).
     */
    static String upgradeAsked(Fields fields) {
        String value = null;
        int count = 0;
        boolean named = false;
        for (int i = 0; i < fields.count(); i++) {
            if (fields.nameIs(i, UPGRADE)) {
                value = fields.value(i).trim();
                count++;
            } else if (fields.name(i).equalsIgnoreCase("connection")) {
                for (String token : fields.value(i).split(",")) {
                    named |= token.trim().equalsIgnoreCase("upgrade");
                }
            }
        }
        return named && count == 1 && !value.isEmpty() ? value : null;
    }

    /** The 101 for the client: status line as received, end-to-end fields, the origin's Upgrade, {@code Connection: upgrade}. */
    static byte[] switching(byte[] b, int start, int statusLineEnd, int minor, Fields fields) {
        StringBuilder s = new StringBuilder(256);
        s.append(new String(b, start, statusLineEnd - start, StandardCharsets.ISO_8859_1)).append("\r\n");
        copyEndToEnd(s, fields, false);
        s.append("Via: 1.").append(minor).append(' ').append(VIA_NAME).append("\r\n");
        s.append("Upgrade: ").append(fields.first(UPGRADE)).append("\r\nConnection: upgrade\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The 407 asking for credentials (RFC 9110 15.5.8); the connection closes after it. */
    static byte[] authenticationRequired(String message) {
        return error(407, "Proxy Authentication Required", message, "Proxy-Authenticate: Basic realm=\"weft\", charset=\"UTF-8\"\r\n");
    }

    /** The response head for the client: the status line as received, {@code Connection} as the proxy decided. */
    static byte[] response(byte[] b, int start, int statusLineEnd, int minor, Fields fields, boolean keepAlive) {
        StringBuilder s = new StringBuilder(256);
        s.append(new String(b, start, statusLineEnd - start, StandardCharsets.ISO_8859_1)).append("\r\n");
        copyEndToEnd(s, fields, false);
        s.append("Via: 1.").append(minor).append(' ').append(VIA_NAME).append("\r\n");
        s.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A short plain-text answer from the proxy itself; the connection closes after it. */
    static byte[] error(int status, String reason, String message) {
        return error(status, reason, message, "");
    }

    private static byte[] error(int status, String reason, String message, String extraFields) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n" + extraFields
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nVia: 1.1 " + VIA_NAME + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    /**
     * Fields that {@code Connection} cannot name away: the message's framing, which the proxy
     * keeps because it forwards the body as it came. Dropping Content-Length because a client
     * listed it would send the body upstream as the start of another request (smuggling).
     */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding");

    private static void copyEndToEnd(StringBuilder s, Fields fields, boolean dropHost) {
        Set<String> named = new HashSet<>();
        for (int i = 0; i < fields.count(); i++) {
            if (fields.name(i).equalsIgnoreCase("connection")) {
                for (String token : fields.value(i).split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        for (int i = 0; i < fields.count(); i++) {
            String name = fields.name(i);
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) && !FRAMING.contains(lower)
                    || dropHost && lower.equals("host")) {
                continue;
            }
            s.append(name).append(": ").append(fields.value(i)).append("\r\n");
        }
    }
}
