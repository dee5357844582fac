package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.Fields;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites message heads as a forwarding proxy must (RFC 9110 7.6): the hop-by-hop fields go
 * (Connection and every field it names, Keep-Alive, Proxy-Connection, Proxy-Authenticate,
 * Proxy-Authorization, TE, Trailer, Upgrade), a {@code Via} naming this proxy is added, and the
 * proxy states its own {@code Connection}. Transfer-Encoding stays: bodies are forwarded with
 * the framing they came in. Bytes are Latin-1 throughout, so field values pass unchanged.
 */
final class Heads {
    static final String VIA_NAME = "weft";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade");

    /** The answer to a CONNECT once the tunnel is up (RFC 9110 9.3.6: any 2xx; no body follows). */
    static final byte[] CONNECTED = ("HTTP/1.1 200 Connection Established\r\nVia: 1.1 " + VIA_NAME + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    private Heads() {
    }

    /** The origin-form request head for upstream: {@code Host} from the URI, {@code Connection: close}. */
    static byte[] request(String method, String originTarget, int minor, String authority, Fields fields) {
        StringBuilder s = new StringBuilder(256);
        s.append(method).append(' ').append(originTarget).append(" HTTP/1.1\r\n");
        s.append("Host: ").append(authority).append("\r\n");
        copyEndToEnd(s, fields, true);
        s.append("Via: 1.").append(minor).append(' ').append(VIA_NAME).append("\r\n");
        s.append("Connection: close\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
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
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nVia: 1.1 " + VIA_NAME + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

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
            if (HOP_BY_HOP.contains(lower) || named.contains(lower) && !lower.equals("transfer-encoding")
                    || dropHost && lower.equals("host")) {
                continue;
            }
            s.append(name).append(": ").append(fields.value(i)).append("\r\n");
        }
    }
}
