package io.weft.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Usernames and passwords for SOCKS5's username/password method (RFC 1929). The file has one
 * {@code user:password} a line (UTF-8; the password is everything after the first colon);
 * empty lines and lines starting with {@code #} are skipped. Both must be 1 to 255 bytes, as
 * RFC 1929's length octets allow. Immutable; any thread.
 */
public final class Credentials {
    private final Map<String, byte[]> passwords;

    private Credentials(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException if it cannot be read, or a line is malformed (the message names the line)
     */
    public static Credentials load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** The same from lines already read; {@code source} names them in error messages. */
    public static Credentials parse(List<String> lines, String source) throws IOException {
        Map<String, byte[]> map = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            byte[] user = colon < 0 ? null : line.substring(0, colon).getBytes(StandardCharsets.UTF_8);
            byte[] pass = colon < 0 ? null : line.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            if (user == null || user.length == 0 || user.length > 255 || pass.length == 0 || pass.length > 255) {
                throw new IOException(source + ":" + (i + 1) + ": expected user:password, each 1 to 255 bytes");
            }
            map.put(line.substring(0, colon), pass);
        }
        if (map.isEmpty()) {
            throw new IOException(source + ": no credentials (one user:password a line)");
        }
        return new Credentials(Map.copyOf(map));
    }

    /** Whether {@code user} exists with {@code password}; the password compare takes the same time wherever it differs. */
    public boolean check(byte[] user, byte[] password) {
        byte[] expected = passwords.get(new String(user, StandardCharsets.UTF_8));
        // Compare even for an unknown user, so timing does not say which users exist.
        boolean ok = MessageDigest.isEqual(expected == null ? new byte[password.length + 1] : expected, password);
        return expected != null && ok;
    }

    public int size() {
        return passwords.size();
    }
}
