package io.weft.http.internal.parse;

/**
 * The methods of RFC 9110 and RFC 5789 as interned strings, so that a parsed request names its
 * method without allocating, and {@code ==} may compare them.
 */
public final class Methods {
    public static final String GET = "GET";
    public static final String HEAD = "HEAD";
    public static final String POST = "POST";
    public static final String PUT = "PUT";
    public static final String DELETE = "DELETE";
    public static final String CONNECT = "CONNECT";
    public static final String OPTIONS = "OPTIONS";
    public static final String TRACE = "TRACE";
    public static final String PATCH = "PATCH";

    private static final String[] ALL = {GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH};
    private static final byte[][] BYTES = new byte[ALL.length][];

    static {
        for (int i = 0; i < ALL.length; i++) {
            BYTES[i] = ALL[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private Methods() {
    }

    /** The constant for {@code b[from, to)} (case-sensitive, as methods are), or null if not standard. */
    static String known(byte[] b, int from, int to) {
        int n = to - from;
        outer:
        for (int i = 0; i < BYTES.length; i++) {
            byte[] m = BYTES[i];
            if (m.length != n) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (b[from + j] != m[j]) {
                    continue outer;
                }
            }
            return ALL[i];
        }
        return null;
    }
}
