package io.weft.http.internal.parse;

/**
 * Walking a field value that is a comma-separated list (RFC 9110 5.6.1) without allocating:
 * <pre>{@code
 * for (int p = vs; p <= ve; ) {
 *     int e = Lists.elementEnd(b, p, ve);
 *     int s = Lists.skipOws(b, p, e);
 *     int t = Lists.trimOws(b, s, e);
 *     // the element is b[s, t), empty when s == t: each caller decides what that means
 *     p = e + 1;
 * }
 * }</pre>
 * Optional whitespace (OWS) is spaces and horizontal tabs (RFC 9110 5.6.3).
 */
final class Lists {
    private Lists() {
    }

    /** Where the list element starting at {@code p} ends: the next comma, or {@code end}. */
    static int elementEnd(byte[] b, int p, int end) {
        while (p < end && b[p] != ',') {
            p++;
        }
        return p;
    }

    /** The first byte at or after {@code from} (before {@code to}) that is not a space or tab. */
    static int skipOws(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    /** {@code to}, moved back over the spaces and tabs that end {@code b[from, to)}. */
    static int trimOws(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        return to;
    }
}
