package io.weft.http.internal.parse;

/**
 * Byte classes of RFC 9110 and RFC 3986 as lookup tables, indexed by {@code b & 0xff}. A table
 * lookup per byte is what keeps the parsers' inner loops branch-light.
 */
final class Chars {
    /** {@code tchar}: the bytes of a token (method, field name, coding, extension name). */
    static final boolean[] TCHAR = new boolean[256];
    /** What a field value may hold: VCHAR, obs-text, SP and HTAB; no CR, LF, NUL or other controls. */
    static final boolean[] FIELD = new boolean[256];
    /** What a request-target may hold: RFC 3986 unreserved, sub-delims, ":@/?%" and "[]". */
    static final boolean[] TARGET = new boolean[256];
    /** What a Host value may hold: reg-name or IP-literal characters, and ":" for the port. */
    static final boolean[] HOST = new boolean[256];
    /** Hex digit values, or -1. */
    static final byte[] HEX = new byte[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (int c = 0x21; c <= 0xff; c++) {
            FIELD[c] = c != 0x7f;
        }
        FIELD[' '] = true;
        FIELD['\t'] = true;
        for (int c = 0; c < 256; c++) {
            boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            TARGET[c] = alnum;
            HOST[c] = alnum;
            HEX[c] = (byte) (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
        }
        for (char c : "-._~!$&'()*+,;=:@/?%[]".toCharArray()) {
            TARGET[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=:[]%".toCharArray()) {
            HOST[c] = true;
        }
    }

    private Chars() {
    }

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** Whether {@code b[from, from + lowerName.length)} equals {@code lowerName}, ignoring ASCII case. */
    static boolean equalsLower(byte[] b, int from, int to, byte[] lowerName) {
        int n = to - from;
        if (n != lowerName.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (lower(b[from + i]) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }
}
