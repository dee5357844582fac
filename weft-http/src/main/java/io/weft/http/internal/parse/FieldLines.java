package io.weft.http.internal.parse;

/**
 * Parses field lines ({@code field-name ":" OWS field-value OWS CRLF}, RFC 9112 section 5)
 * up to and including the empty line that ends them: the one grammar headers and chunked
 * trailers share. Strict: obs-fold, whitespace before the colon, an empty name, a bare CR or
 * LF, NUL and other control bytes are all errors (400), never repaired.
 */
final class FieldLines {
    /** Returned when the buffer ends before the empty line. */
    static final int INCOMPLETE = -1;

    private FieldLines() {
    }

    /**
     * Parses from {@code p} to the end of the empty line, adding each field to {@code out}.
     *
     * @param headStart where the message began, for the size limit
     * @return the index just past the empty line's CRLF, or {@link #INCOMPLETE}
     * @throws ParseException 400 for bad syntax, 431 past {@code maxFields} or {@code maxBytes}
     */
    static int parse(byte[] b, int p, int end, int headStart, int maxFields, int maxBytes, Fields out)
            throws ParseException {
        for (;;) {
            if (p - headStart > maxBytes) {
                throw new ParseException(431, "the header section is larger than " + maxBytes + " bytes");
            }
            if (p >= end) {
                return INCOMPLETE;
            }
            byte c = b[p];
            if (c == '\r') {
                if (p + 1 >= end) {
                    return INCOMPLETE;
                }
                if (b[p + 1] != '\n') {
                    throw new ParseException(400, "bare CR (not followed by LF) after the field lines");
                }
                return p + 2;
            }
            if (c == ' ' || c == '\t') {
                throw new ParseException(400, "obs-fold: a field line starts with whitespace (RFC 9112 5.2 forbids line folding)");
            }
            int nameStart = p;
            while (p < end && Chars.TCHAR[b[p] & 0xff]) {
                p++;
            }
            if (p >= end) {
                return INCOMPLETE;
            }
            if (b[p] != ':') {
                if (b[p] == ' ' || b[p] == '\t') {
                    throw new ParseException(400, "whitespace between a field name and its colon (RFC 9112 5.1)");
                }
                if (b[p] == '\n') {
                    throw new ParseException(400, "a field line without a colon, or a bare LF");
                }
                throw new ParseException(400, p == nameStart && b[p] == '\r'
                        ? "a field line without a colon" : "a byte that is not a token character in a field name: " + hex(b[p]));
            }
            if (p == nameStart) {
                throw new ParseException(400, "a field line with an empty name");
            }
            int nameEnd = p++;
            while (p < end && (b[p] == ' ' || b[p] == '\t')) {
                p++;
            }
            int valueStart = p;
            int valueEnd = p;
            for (;;) {
                if (p >= end) {
                    return INCOMPLETE;
                }
                int v = b[p] & 0xff;
                if (!Chars.FIELD[v]) {
                    if (v == '\r') {
                        break;
                    }
                    throw new ParseException(400, v == '\n' ? "a bare LF in a field value (lines end with CRLF)"
                            : v == 0 ? "a NUL byte in a field value" : "a control byte " + hex((byte) v) + " in a field value");
                }
                p++;
                if (v != ' ' && v != '\t') {
                    valueEnd = p;
                }
            }
            if (p + 1 >= end) {
                return INCOMPLETE;
            }
            if (b[p + 1] != '\n') {
                throw new ParseException(400, "a bare CR (not followed by LF) in a field value");
            }
            p += 2;
            if (out.count() >= maxFields) {
                throw new ParseException(431, "more than " + maxFields + " header fields");
            }
            out.add(nameStart, nameEnd, valueStart, valueEnd);
        }
    }

    static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }
}
