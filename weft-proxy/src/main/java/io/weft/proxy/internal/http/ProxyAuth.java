package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.Fields;
import io.weft.proxy.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Checks a request's {@code Proxy-Authorization} against the proxy's users: the Basic scheme
 * (RFC 7617), {@code base64(user ":" password)} in UTF-8, the scheme name in any case. The
 * password is compared by {@link Credentials#check}, in time that does not depend on where it
 * differs. Any thread (it keeps nothing).
 */
final class ProxyAuth {
    /** Longer than any user:password the file allows (255 + 1 + 255 bytes), as base64. */
    private static final int MAX_TOKEN = 4 * ((255 + 1 + 255 + 2) / 3);

    private ProxyAuth() {
    }

    /** Null when the request names a user with the right password; else why not, for the log and the 407's body. */
    static String refusal(Credentials users, Fields fields) {
        String value = null;
        for (int i = 0; i < fields.count(); i++) {
            if (fields.nameIs(i, Heads.PROXY_AUTHORIZATION)) {
                if (value != null) {
                    return "more than one Proxy-Authorization field";
                }
                value = fields.value(i).trim();
            }
        }
        if (value == null) {
            return "this proxy needs Proxy-Authorization (Basic)";
        }
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("basic")) {
            return "only the Basic scheme is accepted in Proxy-Authorization";
        }
        String token = value.substring(space + 1).trim();
        if (token.length() > MAX_TOKEN) {
            return "a Proxy-Authorization token longer than any user:password allowed";
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return "Proxy-Authorization is not valid base64";
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            Arrays.fill(decoded, (byte) 0);
            return "Proxy-Authorization must carry user:password";
        }
        byte[] user = Arrays.copyOfRange(decoded, 0, colon);
        byte[] password = Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        boolean ok = users.check(user, password);
        Arrays.fill(decoded, (byte) 0);
        Arrays.fill(password, (byte) 0);
        return ok ? null : "wrong user or password for " + printable(user);
    }

    private static String printable(byte[] user) {
        String s = new String(user, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
