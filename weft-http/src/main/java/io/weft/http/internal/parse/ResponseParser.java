package io.weft.http.internal.parse;

import java.nio.charset.StandardCharsets;

/**
 * Parses a response head ({@code HTTP/1.x SP 3DIGIT SP reason CRLF} and field lines) like
 * {@link RequestParser}: offsets into the caller's buffer, no state between calls. Framing
 * follows RFC 9112 6.3: no body for HEAD, 1xx, 204 and 304; chunked when Transfer-Encoding
 * ends with it; otherwise Content-Length (which must be valid and agree with itself), else
 * the body runs until the connection closes. A status line that is not HTTP/1.x is an error
 * (400 stands for "malformed" here; the client turns it into its own exception).
 */
public final class ResponseParser {
    public static final int INCOMPLETE = -1;

    private static final byte[] CONTENT_LENGTH = RequestParser.bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = RequestParser.bytes("transfer-encoding");
    private static final byte[] CONNECTION = RequestParser.bytes("connection");
    private static final byte[] CHUNKED = RequestParser.bytes("chunked");
    private static final byte[] CLOSE = RequestParser.bytes("close");
    private static final byte[] KEEP_ALIVE = RequestParser.bytes("keep-alive");

    private ResponseParser() {
    }

    /**
     * For a head not yet complete (no CRLF CRLF in {@code b[start, end)}): throws if its fixed
     * start, {@code HTTP/1.x NNN}, is already wrong, so that garbage fails at once rather than at
     * a timeout, or if it is past the limit. Looks at those 13 bytes only, so that a head arriving
     * a byte at a time costs linear time, not quadratic; the rest is judged once it is complete.
     */
    public static void checkIncomplete(byte[] b, int start, int end, int maxHeadBytes) throws ParseException {
        checkStart(b, start, end);
        if (end - start > maxHeadBytes) {
            throw new ParseException(431, "a response head larger than " + maxHeadBytes + " bytes");
        }
    }

    /**
     * @param headRequest whether the request was HEAD (the response then has no body)
     * @return just past the head, or {@link #INCOMPLETE}
     */
    public static int parse(byte[] b, int start, int end, int maxHeadBytes, boolean headRequest, ResponseHead head)
            throws ParseException {
        int p = start;
        checkStart(b, p, end);
        if (end - p < 13) {
            return INCOMPLETE;
        }
        head.minorVersion = b[p + 7] - '0';
        head.status = (b[p + 9] - '0') * 100 + (b[p + 10] - '0') * 10 + (b[p + 11] - '0');
        p += 12;
        while (p < end && b[p] != '\r') {
            int c = b[p] & 0xff;
            if (!Chars.FIELD[c]) {
                throw new ParseException(400, "a control byte " + FieldLines.hex(b[p]) + " in the reason phrase");
            }
            p++;
            if (p - start > maxHeadBytes) {
                throw new ParseException(431, "a status line longer than " + maxHeadBytes + " bytes");
            }
        }
        if (p + 1 >= end) {
            return INCOMPLETE;
        }
        if (b[p + 1] != '\n') {
            throw new ParseException(400, "a bare CR in the status line");
        }
        p += 2;
        head.fields.clear(b);
        int after = FieldLines.parse(b, p, end, start, 1000, maxHeadBytes, head.fields);
        if (after == FieldLines.INCOMPLETE) {
            return INCOMPLETE;
        }
        head.headEnd = after;
        frame(head, b, headRequest);
        return after;
    }

    private static void frame(ResponseHead head, byte[] b, boolean headRequest) throws ParseException {
        Fields f = head.fields;
        boolean te = false;
        boolean lastChunked = false;
        long length = -1;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 0; i < f.count(); i++) {
            int vs = f.valueStart(i);
            int ve = f.valueEnd(i);
            if (f.nameIs(i, TRANSFER_ENCODING)) {
                te = true;
                int lastComma = ve;
                while (lastComma > vs && b[lastComma - 1] != ',') {
                    lastComma--;
                }
                lastChunked = Chars.equalsLower(b, Lists.skipOws(b, lastComma, ve), ve, CHUNKED);
            } else if (f.nameIs(i, CONTENT_LENGTH)) {
                long v = 0;
                if (vs == ve || ve - vs > 18) {
                    throw new ParseException(400, "an invalid Content-Length in the response");
                }
                for (int j = vs; j < ve; j++) {
                    if (!digit(b[j])) {
                        throw new ParseException(400, "an invalid Content-Length in the response");
                    }
                    v = v * 10 + (b[j] - '0');
                }
                if (length >= 0 && length != v) {
                    throw new ParseException(400, "conflicting Content-Length values in the response");
                }
                length = v;
            } else if (f.nameIs(i, CONNECTION)) {
                for (int p = vs; p <= ve; ) {
                    int e = Lists.elementEnd(b, p, ve);
                    int s = Lists.skipOws(b, p, e);
                    int t = Lists.trimOws(b, s, e);
                    close |= Chars.equalsLower(b, s, t, CLOSE);
                    keepAliveToken |= Chars.equalsLower(b, s, t, KEEP_ALIVE);
                    p = e + 1;
                }
            }
        }
        head.keepAlive = head.minorVersion >= 1 ? !close : keepAliveToken && !close;
        int s = head.status;
        if (headRequest || s / 100 == 1 || s == 204 || s == 304) {
            head.framing = ResponseHead.Framing.NONE;
        } else if (te) {
            head.framing = lastChunked ? ResponseHead.Framing.CHUNKED : ResponseHead.Framing.UNTIL_CLOSE;
            if (!lastChunked) {
                head.keepAlive = false;
            }
        } else if (length >= 0) {
            head.framing = ResponseHead.Framing.LENGTH;
            head.contentLength = length;
        } else {
            head.framing = ResponseHead.Framing.UNTIL_CLOSE;
            head.keepAlive = false;
        }
    }

    /**
     * Judges each of the status line's first 13 bytes that is in, {@code "HTTP/1.x NNN"} and a
     * space or CR: "HTTP/1.1" CRLF CRLF is a whole head short of 13 bytes, and must fail rather
     * than wait for more.
     */
    private static void checkStart(byte[] b, int p, int end) throws ParseException {
        int known = Math.min(end, p + 13);
        if (!prefixOk(b, p, known)) {
            throw new ParseException(400, "the response does not start with HTTP/1.x: " + FieldLines.hex(b[p]));
        }
        for (int i = p + 8; i < known; i++) {
            byte c = b[i];
            if (i == p + 8 ? c != ' ' : i < p + 12 ? !digit(c) : c != ' ' && c != '\r') {
                throw new ParseException(400, "a malformed status line (expected \"HTTP/1.1 200 OK\")");
            }
        }
        if (known - p >= 12 && b[p + 9] == '0') {
            throw new ParseException(400, "a status code below 100: " + new String(b, p + 9, 3, StandardCharsets.ISO_8859_1));
        }
    }

    private static boolean prefixOk(byte[] b, int p, int end) {
        byte[] want = {'H', 'T', 'T', 'P', '/', '1', '.'};
        for (int i = 0; i < 8 && p + i < end; i++) {
            if (i < 7 ? b[p + i] != want[i] : !digit(b[p + i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }
}
