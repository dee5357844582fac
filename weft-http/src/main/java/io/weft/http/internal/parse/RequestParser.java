package io.weft.http.internal.parse;

/**
 * A strict RFC 9112 request-head parser in the manner of picohttpparser: it reads a byte array
 * from {@code start} to {@code end}, records offsets into it in a {@link RequestHead}, copies
 * nothing and keeps no state between calls. Give it more bytes and call it again from the same
 * start when it answers {@link #INCOMPLETE}; {@link #headEnd} finds cheaply whether calling is
 * worth it yet, so that a head arriving a byte at a time costs linear, not quadratic, time.
 *
 * <h2>What it rejects, and with which status</h2>
 * <ul>
 *   <li>400: a method that is not a token; more than one space, or any other whitespace,
 *       between the request line's parts; a request-target with a byte outside RFC 3986's set,
 *       a bad percent-escape, or the wrong form for its method; a malformed HTTP-version; every
 *       field-line error of {@link FieldLines} (obs-fold, whitespace before the colon, bare CR,
 *       bare LF, NUL and controls); missing or repeated Host on HTTP/1.1, repeated Host on 1.0,
 *       a Host with bytes no authority has; Content-Length that is not digits, signed,
 *       too large or in disagreement with another; Content-Length together with
 *       Transfer-Encoding; a Transfer-Encoding whose last coding is not chunked, or with chunked
 *       twice; Transfer-Encoding on HTTP/1.0 (RFC 9112 6.1 calls its framing faulty).</li>
 *   <li>414: a request line longer than the limit. 431: a head larger than the limit, or more
 *       fields. 417: an Expect other than 100-continue. 501: a method that is a token but not
 *       one this server knows (CONNECT included: it serves no tunnels), or a transfer coding
 *       other than chunked. 505: an HTTP major version other than 1.</li>
 * </ul>
 */
public final class RequestParser {
    /** The buffer ends before the head does. */
    public static final int INCOMPLETE = -1;

    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] HOST = bytes("host");
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] EXPECT = bytes("expect");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final byte[] CONTINUE = bytes("100-continue");

    private RequestParser() {
    }

    /**
     * Where the head that starts at {@code start} ends (just past its CRLF CRLF), searching only
     * bytes from {@code scanFrom} on (pass the previous {@code end}); or {@link #INCOMPLETE}.
     * Leading empty lines (RFC 9112 2.2 lets a server ignore them) are skipped.
     */
    public static int headEnd(byte[] b, int start, int scanFrom, int end) {
        int p = skipEmptyLines(b, start, end);
        int i = Math.max(p, scanFrom - 3);
        for (; i + 3 < end; i++) {
            if (b[i + 3] == '\n' && b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r') {
                return i + 4;
            }
        }
        return INCOMPLETE;
    }

    /**
     * For a head not yet complete: throws the limit it already broke, 414 or 431, so that a
     * client cannot make the server hold more than the limits while waiting.
     */
    public static void checkIncomplete(byte[] b, int start, int end, ParseLimits limits) throws ParseException {
        int p = skipEmptyLines(b, start, end);
        int lineEnd = p;
        int lineLimit = Math.min(end, p + limits.maxRequestLine() + 1);
        while (lineEnd < lineLimit && b[lineEnd] != '\r' && b[lineEnd] != '\n') {
            lineEnd++;
        }
        if (lineEnd - p > limits.maxRequestLine()) {
            throw new ParseException(414, "the request line is longer than " + limits.maxRequestLine() + " bytes");
        }
        if (end - p > limits.maxHeadBytes()) {
            throw new ParseException(431, "the request head is larger than " + limits.maxHeadBytes() + " bytes");
        }
    }

    /**
     * Parses the head at {@code b[start, end)} into {@code head}.
     *
     * @return the index just past the head, or {@link #INCOMPLETE}
     * @throws ParseException with the status to answer; see the class comment
     */
    public static int parse(byte[] b, int start, int end, ParseLimits limits, RequestHead head) throws ParseException {
        return parse(b, start, end, limits, head, false);
    }

    /**
     * Like {@link #parse(byte[], int, int, ParseLimits, RequestHead)}, for a proxy when
     * {@code tunnels} is true: CONNECT is then accepted, with an authority-form request-target
     * ({@code host:port}, RFC 9112 3.2.3), and no other method may use that form.
     */
    public static int parse(byte[] b, int start, int end, ParseLimits limits, RequestHead head, boolean tunnels)
            throws ParseException {
        int p = skipEmptyLines(b, start, end);
        if (p >= end - 1 && p < end && b[p] == '\r') {
            return INCOMPLETE;
        }
        head.reset(b, p);
        int lineStart = p;
        int lineLimit = lineStart + limits.maxRequestLine();

        // method SP
        int methodStart = p;
        while (p < end && Chars.TCHAR[b[p] & 0xff]) {
            p++;
        }
        if (p >= end) {
            return incompleteLine(p, lineLimit, limits);
        }
        if (p == methodStart) {
            throw new ParseException(400, "the request line does not start with a method token");
        }
        if (b[p] != ' ') {
            throw new ParseException(400, "the method must be a token followed by one space; found " + FieldLines.hex(b[p]));
        }
        int methodEnd = p++;

        // request-target SP
        int targetStart = p;
        while (p < end && Chars.TARGET[b[p] & 0xff]) {
            p++;
        }
        if (p >= end) {
            return incompleteLine(p, lineLimit, limits);
        }
        if (b[p] != ' ') {
            if (p > lineLimit) {
                throw new ParseException(414, "the request line is longer than " + limits.maxRequestLine() + " bytes");
            }
            throw new ParseException(400, p == targetStart
                    ? "the method is followed by more than one space, or no request-target"
                    : "a byte not allowed in a request-target: " + FieldLines.hex(b[p]) + " (percent-encode it)");
        }
        if (p == targetStart) {
            throw new ParseException(400, "an empty request-target");
        }
        int targetEnd = p++;
        if (p > lineLimit) {
            throw new ParseException(414, "the request line is longer than " + limits.maxRequestLine() + " bytes");
        }

        // HTTP-version CRLF: "HTTP/" DIGIT "." DIGIT
        if (end - p < 10) {
            // Found by the fuzzer: a head cut short inside the version ("HTTP/\r\n\r\n") must fail
            // now, not wait for bytes that will never make it valid.
            for (int i = p; i < end; i++) {
                int k = i - p;
                byte c = b[i];
                boolean ok = k < 5 ? c == "HTTP/".charAt(k) : k == 5 || k == 7 ? digit(c) : k == 6 ? c == '.' : k == 8 ? c == '\r' : c == '\n';
                if (!ok) {
                    throw new ParseException(400, "a malformed HTTP-version (expected HTTP/1.1)");
                }
            }
            return INCOMPLETE;
        }
        if (b[p] != 'H' || b[p + 1] != 'T' || b[p + 2] != 'T' || b[p + 3] != 'P' || b[p + 4] != '/'
                || !digit(b[p + 5]) || b[p + 6] != '.' || !digit(b[p + 7])) {
            throw new ParseException(400, "a malformed HTTP-version (expected HTTP/1.1)");
        }
        if (b[p + 8] != '\r' || b[p + 9] != '\n') {
            throw new ParseException(400, b[p + 8] == '\r' ? "a bare CR in the request line"
                    : "the HTTP-version must be followed by CRLF");
        }
        if (b[p + 5] != '1') {
            throw new ParseException(505, "HTTP/" + (char) b[p + 5] + "." + (char) b[p + 7] + " is not supported; use HTTP/1.1");
        }
        int minor = b[p + 7] == '0' ? 0 : 1;
        if (p + 8 - lineStart > limits.maxRequestLine()) {
            throw new ParseException(414, "the request line is longer than " + limits.maxRequestLine() + " bytes");
        }
        p += 10;

        int after = FieldLines.parse(b, p, end, lineStart, limits.maxFields(), limits.maxHeadBytes(), head.fields);
        if (after == FieldLines.INCOMPLETE) {
            return INCOMPLETE;
        }
        if (after - lineStart > limits.maxHeadBytes()) {
            throw new ParseException(431, "the request head is larger than " + limits.maxHeadBytes() + " bytes");
        }

        String method = Methods.known(b, methodStart, methodEnd);
        if (method == null || method == Methods.CONNECT && !tunnels) {
            throw new ParseException(501, "method " + new String(b, methodStart, methodEnd - methodStart,
                    java.nio.charset.StandardCharsets.ISO_8859_1) + " is not implemented");
        }
        checkTarget(b, targetStart, targetEnd, method);
        head.method = method;
        head.targetStart = targetStart;
        head.targetEnd = targetEnd;
        head.minorVersion = minor;
        head.headEnd = after;
        interpret(head, minor);
        return after;
    }

    private static int incompleteLine(int p, int lineLimit, ParseLimits limits) throws ParseException {
        if (p > lineLimit) {
            throw new ParseException(414, "the request line is longer than " + limits.maxRequestLine() + " bytes");
        }
        return INCOMPLETE;
    }

    /** The request-target's form must suit the method (RFC 9112 3.2), and its escapes be whole. */
    private static void checkTarget(byte[] b, int from, int to, String method) throws ParseException {
        if (method == Methods.CONNECT) {
            checkAuthority(b, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            if (b[i] == '%' && (i + 2 >= to || Chars.HEX[b[i + 1] & 0xff] < 0 || Chars.HEX[b[i + 2] & 0xff] < 0)) {
                throw new ParseException(400, "a percent sign in the request-target not followed by two hex digits");
            }
        }
        byte first = b[from];
        if (first == '/') {
            return;
        }
        if (first == '*' && to - from == 1) {
            if (method != Methods.OPTIONS) {
                throw new ParseException(400, "the asterisk-form request-target \"*\" is only for OPTIONS");
            }
            return;
        }
        // absolute-form: scheme "://" ...
        int i = from;
        if ((first | 0x20) >= 'a' && (first | 0x20) <= 'z') {
            while (i < to && (Character.isLetterOrDigit(b[i]) || b[i] == '+' || b[i] == '-' || b[i] == '.')) {
                i++;
            }
            if (to - i >= 3 && b[i] == ':' && b[i + 1] == '/' && b[i + 2] == '/') {
                return;
            }
        }
        throw new ParseException(400, "the request-target must start with \"/\" or be an absolute URI");
    }

    /** CONNECT's authority-form: {@code host ":" port}, the host a name, IPv4 or a bracketed IPv6 literal. */
    private static void checkAuthority(byte[] b, int from, int to) throws ParseException {
        int colon = to - 1;
        while (colon > from && digit(b[colon])) {
            colon--;
        }
        if (colon <= from || b[colon] != ':' || colon == to - 1 || to - colon - 1 > 5) {
            throw new ParseException(400, "CONNECT needs an authority-form request-target, host:port");
        }
        for (int i = from; i < colon; i++) {
            byte c = b[i];
            if (c == '/' || c == '?' || c == '@' || c == '%' || !Chars.HOST[c & 0xff]) {
                throw new ParseException(400, "a byte no host has in CONNECT's target: " + FieldLines.hex(c));
            }
        }
    }

    /** Reads the fields that frame the message: Content-Length, Transfer-Encoding, Host, Connection, Expect. */
    private static void interpret(RequestHead head, int minor) throws ParseException {
        Fields f = head.fields;
        byte[] b = head.buf;
        int hosts = 0;
        boolean sawTe = false;
        boolean lastChunked = false;
        int chunkedCount = 0;
        boolean otherCoding = false;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 0; i < f.count(); i++) {
            int ns = f.nameStart(i);
            int n = f.nameEnd(i) - ns;
            int vs = f.valueStart(i);
            int ve = f.valueEnd(i);
            if (n == 4 && f.nameIs(i, HOST)) {
                hosts++;
                for (int j = vs; j < ve; j++) {
                    if (!Chars.HOST[b[j] & 0xff]) {
                        throw new ParseException(400, "a byte no authority has in Host: " + FieldLines.hex(b[j]));
                    }
                }
            } else if (n == 14 && f.nameIs(i, CONTENT_LENGTH)) {
                head.contentLength = contentLength(b, vs, ve, head.contentLength);
            } else if (n == 17 && f.nameIs(i, TRANSFER_ENCODING)) {
                sawTe = true;
                boolean any = false;
                for (int p = vs; p <= ve; ) {
                    int e = Lists.elementEnd(b, p, ve);
                    int s = Lists.skipOws(b, p, e);
                    int t = Lists.trimOws(b, s, e);
                    if (s < t) {
                        any = true;
                        if (Chars.equalsLower(b, s, t, CHUNKED)) {
                            chunkedCount++;
                            lastChunked = true;
                        } else {
                            int c = s;
                            while (c < t && Chars.TCHAR[b[c] & 0xff]) {
                                c++;
                            }
                            int q = c;
                            while (q < t && (b[q] == ' ' || b[q] == '\t')) {
                                q++;
                            }
                            if (c == s || q < t && b[q] != ';') {
                                throw new ParseException(400, "a transfer coding that is not a token (with parameters after \";\")");
                            }
                            otherCoding = true;
                            lastChunked = false;
                        }
                    }
                    p = e + 1;
                }
                if (!any) {
                    throw new ParseException(400, "an empty Transfer-Encoding");
                }
            } else if (n == 10 && f.nameIs(i, CONNECTION)) {
                for (int p = vs; p <= ve; ) {
                    int e = Lists.elementEnd(b, p, ve);
                    int s = Lists.skipOws(b, p, e);
                    int t = Lists.trimOws(b, s, e);
                    if (Chars.equalsLower(b, s, t, CLOSE)) {
                        close = true;
                    } else if (Chars.equalsLower(b, s, t, KEEP_ALIVE)) {
                        keepAliveToken = true;
                    }
                    p = e + 1;
                }
            } else if (n == 6 && f.nameIs(i, EXPECT)) {
                if (Chars.equalsLower(b, vs, ve, CONTINUE)) {
                    head.expectContinue = true;
                } else {
                    throw new ParseException(417, "only the expectation 100-continue is supported");
                }
            }
        }
        if (hosts > 1) {
            throw new ParseException(400, "more than one Host field");
        }
        if (hosts == 0 && minor == 1) {
            throw new ParseException(400, "an HTTP/1.1 request without a Host field (RFC 9112 3.2)");
        }
        if (sawTe) {
            if (minor == 0) {
                throw new ParseException(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 6.1: faulty framing)");
            }
            if (head.contentLength != RequestHead.NO_LENGTH) {
                throw new ParseException(400, "both Content-Length and Transfer-Encoding (RFC 9112 6.1: a smuggling risk)");
            }
            if (!lastChunked) {
                throw new ParseException(400, "the last transfer coding is not chunked, so the body's length is unknown");
            }
            if (chunkedCount > 1) {
                throw new ParseException(400, "chunked applied more than once");
            }
            if (otherCoding) {
                throw new ParseException(501, "transfer codings other than chunked are not implemented");
            }
            head.chunked = true;
        }
        head.keepAlive = minor == 1 ? !close : keepAliveToken && !close;
    }

    /** A Content-Length value: 1*DIGIT, or a list of equal ones (RFC 9110 8.6), agreeing with {@code previous}. */
    private static long contentLength(byte[] b, int vs, int ve, long previous) throws ParseException {
        long value = previous;
        for (int p = vs; p <= ve; ) {
            int e = Lists.elementEnd(b, p, ve);
            int s = Lists.skipOws(b, p, e);
            int t = Lists.trimOws(b, s, e);
            if (s == t) {
                throw new ParseException(400, "an empty Content-Length");
            }
            if (t - s > 18) {
                throw new ParseException(400, "a Content-Length too large to be real");
            }
            long v = 0;
            for (int i = s; i < t; i++) {
                if (!digit(b[i])) {
                    throw new ParseException(400, b[i] == '+' || b[i] == '-'
                            ? "a signed Content-Length" : "a Content-Length that is not decimal digits");
                }
                v = v * 10 + (b[i] - '0');
            }
            if (value != RequestHead.NO_LENGTH && value != v) {
                throw new ParseException(400, "conflicting Content-Length values " + value + " and " + v);
            }
            value = v;
            p = e + 1;
        }
        return value;
    }

    static int skipEmptyLines(byte[] b, int p, int end) {
        while (p + 1 < end && b[p] == '\r' && b[p + 1] == '\n') {
            p += 2;
        }
        return p;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
