package io.weft.http.internal.parse;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slow, obviously-correct parsers to check the fast ones against: strings, regular expressions
 * and lists, written from RFC 9112's grammar rather than from the fast code. Fuzz targets and
 * the randomized test compare the two on every input.
 */
final class ReferenceParsers {
    private static final String TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
    private static final Pattern REQUEST_LINE = Pattern.compile(
            "(" + TCHAR + "+) ([A-Za-z0-9\\-._~!$&'()*+,;=:@/?%\\[\\]]+) HTTP/([0-9])\\.([0-9])");
    private static final Pattern FIELD = Pattern.compile("(" + TCHAR + "+):[ \\t]*(.*?)[ \\t]*", Pattern.DOTALL);
    private static final Pattern FIELD_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:\\[\\]%]*");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.([0-9]) ([0-9]{3})(?: [\\t\\x20-\\x7e\\x80-\\xff]*)?");
    private static final List<String> KNOWN = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH");

    private ReferenceParsers() {
    }

    /** What a request head means: status 0 for accepted. */
    record Request(int status, String method, String target, int minor, List<String> fields, long contentLength,
            boolean chunked, boolean keepAlive, boolean expect) {
        static Request rejected(int status) {
            return new Request(status, null, null, 0, List.of(), 0, false, false, false);
        }
    }

    /** The fast parser's view of the same head, for comparison. */
    static Request fast(byte[] b, int end, ParseLimits limits) {
        RequestHead h = new RequestHead();
        try {
            int after = RequestParser.parse(b, 0, end, limits, h);
            if (after != end) {
                throw new AssertionError("parsed to " + after + ", head ends at " + end + ": " + Differential.show(java.util.Arrays.copyOf(b, end)));
            }
        } catch (ParseException e) {
            return Request.rejected(e.status());
        }
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < h.fields().count(); i++) {
            fields.add(h.fields().name(i));
            fields.add(h.fields().value(i));
        }
        return new Request(0, h.method(), h.target(), h.minorVersion(), fields, h.contentLength(), h.chunked(), h.keepAlive(),
                h.expectContinue());
    }

    /**
     * Parses a complete head (ending with its first CRLF CRLF), with limits large enough never
     * to matter. Errors are checked in the order the fast parser promises: request line and field
     * syntax (400, 505), then an unknown method (501), the target's form, then the framing fields.
     */
    static Request request(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        while (s.startsWith("\r\n")) {
            s = s.substring(2);
        }
        if (!s.endsWith("\r\n\r\n")) {
            throw new IllegalArgumentException("give a complete head");
        }
        List<String> lines = splitCrlf(s.substring(0, s.length() - 4));
        String line = lines.get(0);
        int status = requestLineStatus(line);
        if (status != 0) {
            return Request.rejected(status);
        }
        Matcher m = REQUEST_LINE.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("unreachable: " + line);
        }
        List<String> fields = new ArrayList<>();
        int fieldStatus = fieldLines(lines.subList(1, lines.size()), Integer.MAX_VALUE, fields);
        if (fieldStatus != 0) {
            return Request.rejected(fieldStatus);
        }
        String method = m.group(1);
        if (!KNOWN.contains(method)) {
            return Request.rejected(501);
        }
        String target = m.group(2);
        if (!percentOk(target)) {
            return Request.rejected(400);
        }
        if (!(target.startsWith("/") || target.equals("*") && method.equals("OPTIONS")
                || target.matches("[A-Za-z][A-Za-z0-9+\\-.]*://.*"))) {
            return Request.rejected(400);
        }
        int minor = m.group(4).equals("0") ? 0 : 1;
        int hosts = 0;
        long length = -1;
        List<String> codings = new ArrayList<>();
        boolean sawTe = false;
        boolean close = false;
        boolean keepAlive = false;
        boolean expect = false;
        for (int i = 0; i < fields.size(); i += 2) {
            String name = fields.get(i).toLowerCase(Locale.ROOT);
            String value = fields.get(i + 1);
            switch (name) {
                case "host" -> {
                    hosts++;
                    if (!HOST.matcher(value).matches()) {
                        return Request.rejected(400);
                    }
                }
                case "content-length" -> {
                    for (String part : value.split(",", -1)) {
                        String p = part.strip();
                        if (!p.matches("[0-9]{1,18}")) {
                            return Request.rejected(400);
                        }
                        long v = Long.parseLong(p);
                        if (length >= 0 && length != v) {
                            return Request.rejected(400);
                        }
                        length = v;
                    }
                }
                case "transfer-encoding" -> {
                    sawTe = true;
                    boolean any = false;
                    for (String part : value.split(",", -1)) {
                        String p = part.strip();
                        if (!p.isEmpty()) {
                            any = true;
                            if (!p.equalsIgnoreCase("chunked") && !Pattern.compile(TCHAR + "+([ \\t]*;.*)?", Pattern.DOTALL).matcher(p).matches()) {
                                return Request.rejected(400);
                            }
                            codings.add(p.toLowerCase(Locale.ROOT));
                        }
                    }
                    if (!any) {
                        return Request.rejected(400);
                    }
                }
                case "connection" -> {
                    for (String part : value.split(",", -1)) {
                        String p = part.strip().toLowerCase(Locale.ROOT);
                        close |= p.equals("close");
                        keepAlive |= p.equals("keep-alive");
                    }
                }
                case "expect" -> {
                    if (!value.equalsIgnoreCase("100-continue")) {
                        return Request.rejected(417);
                    }
                    expect = true;
                }
                default -> {
                }
            }
        }
        if (hosts > 1 || hosts == 0 && minor == 1) {
            return Request.rejected(400);
        }
        boolean chunked = false;
        if (sawTe) {
            if (minor == 0 || length >= 0 || !codings.getLast().equals("chunked")
                    || codings.stream().filter("chunked"::equals).count() > 1) {
                return Request.rejected(400);
            }
            if (codings.size() > 1) {
                return Request.rejected(501);
            }
            chunked = true;
        }
        return new Request(0, method, target, minor, fields, length, chunked, minor == 1 ? !close : keepAlive && !close, expect);
    }

    /**
     * RFC 9112 section 5's field lines, one string each, into name, value pairs: 0, or 400 for
     * bad syntax (bare CR or LF, obs-fold, no token before the colon, a control byte in the value)
     * and 431 for the line past {@code maxFields}, whichever comes first.
     */
    private static int fieldLines(List<String> lines, int maxFields, List<String> out) {
        for (String f : lines) {
            if (f.indexOf('\r') >= 0 || f.indexOf('\n') >= 0) {
                return 400; // bare CR or LF
            }
            if (f.startsWith(" ") || f.startsWith("\t")) {
                return 400; // obs-fold
            }
            Matcher fm = FIELD.matcher(f);
            if (!fm.matches() || !FIELD_VALUE.matcher(fm.group(2)).matches()) {
                return 400;
            }
            if (out.size() / 2 >= maxFields) {
                return 431;
            }
            out.add(fm.group(1));
            out.add(fm.group(2));
        }
        return 0;
    }

    private static int requestLineStatus(String line) {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            return 400;
        }
        Matcher m = REQUEST_LINE.matcher(line);
        if (!m.matches()) {
            return 400;
        }
        return m.group(3).equals("1") ? 0 : 505;
    }

    private static boolean percentOk(String t) {
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '%' && (i + 2 >= t.length() || Character.digit(t.charAt(i + 1), 16) < 0
                    || Character.digit(t.charAt(i + 2), 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> splitCrlf(String s) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i; (i = s.indexOf("\r\n", from)) >= 0; from = i + 2) {
            out.add(s.substring(from, i));
        }
        out.add(s.substring(from));
        return out;
    }

    /**
     * What a response head means to the client: its status, version, fields, how its body ends
     * ({@code NONE}, {@code LENGTH n}, {@code CHUNKED}, {@code UNTIL_CLOSE}) and whether the
     * connection stays open after it; or, rejected, the error status alone.
     */
    record Response(int error, int status, int minor, List<String> fields, String framing, boolean keepAlive) {
        static Response rejected(int error) {
            return new Response(error, 0, 0, List.of(), null, false);
        }
    }

    /**
     * Parses a complete response head (ending with its first CRLF CRLF) as RFC 9112 sections 4
     * and 6.3 read, with the client's own choices: the reason phrase and the space before it
     * may be missing, the status is at least 100, at most 1,000 fields, and every Content-Length
     * is one plain number (no lists) even where the framing does not use it.
     */
    static Response response(byte[] bytes, boolean headRequest) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!s.endsWith("\r\n\r\n")) {
            throw new IllegalArgumentException("give a complete head");
        }
        List<String> lines = splitCrlf(s.substring(0, s.length() - 4));
        String line = lines.get(0);
        Matcher m = STATUS_LINE.matcher(line);
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0 || !m.matches() || Integer.parseInt(m.group(2)) < 100) {
            return Response.rejected(400);
        }
        int minor = m.group(1).charAt(0) - '0';
        int status = Integer.parseInt(m.group(2));
        List<String> fields = new ArrayList<>();
        int fieldStatus = fieldLines(lines.subList(1, lines.size()), 1000, fields);
        if (fieldStatus != 0) {
            return Response.rejected(fieldStatus);
        }
        long length = -1;
        String lastCoding = null;
        boolean close = false;
        boolean keepAliveToken = false;
        for (int i = 0; i < fields.size(); i += 2) {
            String value = fields.get(i + 1);
            switch (fields.get(i).toLowerCase(Locale.ROOT)) {
                case "content-length" -> {
                    if (!value.matches("[0-9]{1,18}") || length >= 0 && length != Long.parseLong(value)) {
                        return Response.rejected(400);
                    }
                    length = Long.parseLong(value);
                }
                case "transfer-encoding" -> {
                    String[] codings = value.split(",", -1);
                    lastCoding = ows(codings[codings.length - 1]).toLowerCase(Locale.ROOT);
                }
                case "connection" -> {
                    for (String token : value.split(",", -1)) {
                        close |= ows(token).equalsIgnoreCase("close");
                        keepAliveToken |= ows(token).equalsIgnoreCase("keep-alive");
                    }
                }
                default -> {
                }
            }
        }
        boolean keepAlive = minor >= 1 ? !close : keepAliveToken && !close;
        String framing;
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            framing = "NONE";
        } else if (lastCoding != null) {
            framing = lastCoding.equals("chunked") ? "CHUNKED" : "UNTIL_CLOSE";
        } else if (length >= 0) {
            framing = "LENGTH " + length;
        } else {
            framing = "UNTIL_CLOSE";
        }
        return new Response(0, status, minor, fields, framing, keepAlive && !framing.equals("UNTIL_CLOSE"));
    }

    /**
     * A whole response as the client reads it: its heads (interim ones first), the body bytes
     * (ISO-8859-1), and how it ended: {@code "done, N more"} (N bytes after the body's end),
     * {@code "error S"}, or the input ending {@code "in the head"} or {@code "in the body"}.
     */
    record Exchange(List<Response> heads, String body, String end) {
    }

    private static final int HUGE = 1 << 20;

    /**
     * The fast parsers on {@code input}, fed in reads cut at {@code cuts} (ascending), driven as
     * {@code ClientConnection} drives them: {@link RequestParser#headEnd} says whether a head is
     * in, an incomplete one is checked early by {@link ResponseParser#checkIncomplete}, then the
     * body is framed by the head (a {@link ChunkedDecoder}, a count, or the end of the input).
     * Limits large enough never to matter.
     */
    static Exchange fastResponse(byte[] input, int[] cuts, boolean headRequest) {
        byte[] in = new byte[input.length];
        int inStart = 0;
        int inEnd = 0;
        int scanned = 0;
        ResponseHead head = new ResponseHead();
        List<Response> heads = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ChunkedDecoder decoder = null;
        long remaining = -1; // -1 while in a head
        boolean done = false;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? Math.min(cuts[i], input.length) : input.length;
                if (to <= inEnd) {
                    continue;
                }
                System.arraycopy(input, inEnd, in, inEnd, to - inEnd);
                inEnd = to;
                while (!done && inStart < inEnd) {
                    if (remaining < 0 && decoder == null) {
                        int end = RequestParser.headEnd(in, inStart, scanned, inEnd);
                        if (end < 0) {
                            scanned = inEnd;
                            ResponseParser.checkIncomplete(in, inStart, inEnd, HUGE);
                            break;
                        }
                        int r = ResponseParser.parse(in, inStart, end, HUGE, headRequest, head);
                        if (r != end) {
                            throw new AssertionError("a complete head (" + (end - inStart) + " bytes) was parsed to "
                                    + (r < 0 ? "INCOMPLETE" : r - inStart) + ": "
                                    + Differential.show(java.util.Arrays.copyOfRange(in, inStart, end)));
                        }
                        heads.add(describe(head));
                        inStart = end;
                        scanned = end;
                        if (head.status() / 100 == 1) {
                            continue;
                        }
                        switch (head.framing()) {
                            case NONE -> remaining = 0;
                            case LENGTH -> remaining = head.contentLength();
                            case CHUNKED -> decoder = new ChunkedDecoder(HUGE, HUGE);
                            case UNTIL_CLOSE -> remaining = Long.MAX_VALUE;
                        }
                        done = remaining == 0;
                    } else if (decoder != null) {
                        inStart = decoder.decode(in, inStart, inEnd, body::write);
                        done = decoder.isDone();
                        if (!done) {
                            break; // the decoder keeps what it needs; the next read goes on
                        }
                    } else {
                        int n = (int) Math.min(remaining, inEnd - inStart);
                        body.write(in, inStart, n);
                        inStart += n;
                        remaining -= remaining == Long.MAX_VALUE ? 0 : n;
                        done = remaining == 0;
                    }
                }
            }
        } catch (ParseException e) {
            return new Exchange(heads, latin1(body), "error " + e.status());
        }
        String end = done || remaining == Long.MAX_VALUE ? "done, " + (inEnd - inStart) + " more"
                : remaining < 0 && decoder == null ? "in the head" : "in the body";
        return new Exchange(heads, latin1(body), end);
    }

    private static Response describe(ResponseHead h) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < h.fields().count(); i++) {
            fields.add(h.fields().name(i));
            fields.add(h.fields().value(i));
        }
        String framing = h.framing() == ResponseHead.Framing.LENGTH ? "LENGTH " + h.contentLength() : h.framing().name();
        return new Response(0, h.status(), h.minorVersion(), fields, framing, h.keepAlive());
    }

    /**
     * The reference reading of a whole response: each head up to its first CRLF CRLF by
     * {@link #response}, each body by its framing (chunked ones by {@link #chunked}). A head the
     * input ends in is {@code "in the head"} here; the fast parser may already reject it, which
     * {@link Differential} allows.
     */
    static Exchange responseExchange(byte[] input, boolean headRequest) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        List<Response> heads = new ArrayList<>();
        int pos = 0;
        for (;;) {
            int e = s.indexOf("\r\n\r\n", pos);
            if (e < 0) {
                return new Exchange(heads, "", "in the head");
            }
            Response r = response(java.util.Arrays.copyOfRange(input, pos, e + 4), headRequest);
            if (r.error() != 0) {
                return new Exchange(heads, "", "error " + r.error());
            }
            heads.add(r);
            pos = e + 4;
            if (r.status() / 100 == 1) {
                continue;
            }
            String rest = s.substring(pos);
            if (r.framing().equals("NONE")) {
                return new Exchange(heads, "", "done, " + rest.length() + " more");
            }
            if (r.framing().equals("UNTIL_CLOSE")) {
                return new Exchange(heads, rest, "done, 0 more");
            }
            if (r.framing().startsWith("LENGTH ")) {
                long n = Long.parseLong(r.framing().substring(7));
                return n > rest.length() ? new Exchange(heads, rest, "in the body")
                        : new Exchange(heads, rest.substring(0, (int) n), "done, " + (rest.length() - n) + " more");
            }
            Chunked c = chunked(java.util.Arrays.copyOfRange(input, pos, input.length));
            String data = new String(c.data(), StandardCharsets.ISO_8859_1);
            return new Exchange(heads, data, switch (c.status()) {
                case 0 -> "done, " + (rest.length() - c.consumed()) + " more";
                case -1 -> "in the body";
                default -> "error " + c.status();
            });
        }
    }

    private static String latin1(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** {@code s} without the optional whitespace (SP, HTAB) around it. */
    private static String ows(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    /** A chunked body's meaning: status 0 done, -1 incomplete, else the error status; data and trailers so far. */
    record Chunked(int status, byte[] data, int consumed, List<String> trailers) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Chunked c && c.status == status && java.util.Arrays.equals(c.data, data)
                    && (status != 0 || c.consumed == consumed && Objects.equals(c.trailers, trailers));
        }

        @Override
        public int hashCode() {
            return status;
        }

        @Override
        public String toString() {
            return "Chunked[status=" + status + ", data=" + new String(data, StandardCharsets.ISO_8859_1) + ", consumed="
                    + consumed + ", trailers=" + trailers + "]";
        }
    }

    /** The fast decoder on {@code b}, fed in pieces of {@code step} bytes. */
    static Chunked fastChunked(byte[] b, int step) {
        ChunkedDecoder d = new ChunkedDecoder(1 << 20, 1 << 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        try {
            while (p < b.length && !d.isDone()) {
                p = d.decode(b, p, Math.min(b.length, p + step), out::write);
            }
        } catch (ParseException e) {
            return new Chunked(e.status(), out.toByteArray(), p, List.of());
        }
        if (!d.isDone()) {
            return new Chunked(-1, out.toByteArray(), p, List.of());
        }
        List<String> t = new ArrayList<>();
        for (int i = 0; i < d.trailers().count(); i++) {
            t.add(d.trailers().name(i));
            t.add(d.trailers().value(i));
        }
        return new Chunked(0, out.toByteArray(), p, t);
    }

    /** The reference: a character-at-a-time reading of RFC 9112 7.1's grammar, over a string. */
    static Chunked chunked(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int[] pos = {0};
        try {
            for (;;) {
                int start = pos[0];
                while (pos[0] < s.length() && Character.digit(s.charAt(pos[0]), 16) >= 0 && s.charAt(pos[0]) < 128) {
                    pos[0]++;
                }
                String hex = s.substring(start, pos[0]);
                if (hex.length() > 16 || !hex.isEmpty() && new BigInteger(hex, 16).bitLength() > 63) {
                    return new Chunked(400, data.toByteArray(), 0, List.of());
                }
                if (pos[0] == s.length()) {
                    return new Chunked(-1, data.toByteArray(), 0, List.of());
                }
                if (hex.isEmpty()) {
                    return new Chunked(400, data.toByteArray(), 0, List.of());
                }
                long size = Long.parseLong(hex, 16);
                extensions(s, pos);
                expect(s, pos, "\r\n");
                if (size == 0) {
                    List<String> trailers = new ArrayList<>();
                    for (;;) {
                        int eol = s.indexOf("\r\n", pos[0]);
                        if (eol < 0) {
                            return new Chunked(-1, data.toByteArray(), 0, List.of());
                        }
                        String line = s.substring(pos[0], eol);
                        pos[0] = eol + 2;
                        if (line.isEmpty()) {
                            return new Chunked(0, data.toByteArray(), pos[0], trailers);
                        }
                        Matcher fm = FIELD.matcher(line);
                        if (line.startsWith(" ") || line.startsWith("\t") || line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0
                                || !fm.matches() || !FIELD_VALUE.matcher(fm.group(2)).matches()) {
                            return new Chunked(400, data.toByteArray(), 0, List.of());
                        }
                        trailers.add(fm.group(1));
                        trailers.add(fm.group(2));
                    }
                }
                long available = Math.min(size, s.length() - pos[0]);
                data.write(bytes, pos[0], (int) available);
                pos[0] += (int) available;
                if (available < size) {
                    return new Chunked(-1, data.toByteArray(), 0, List.of());
                }
                expect(s, pos, "\r\n");
            }
        } catch (Incomplete e) {
            return new Chunked(-1, data.toByteArray(), 0, List.of());
        } catch (Bad e) {
            return new Chunked(400, data.toByteArray(), 0, List.of());
        }
    }

    private static final class Incomplete extends Exception {
        Incomplete() {
            super(null, null, false, false);
        }
    }

    private static final class Bad extends Exception {
        Bad() {
            super(null, null, false, false);
        }
    }

    private static char at(String s, int[] pos) throws Incomplete {
        if (pos[0] >= s.length()) {
            throw new Incomplete();
        }
        return s.charAt(pos[0]);
    }

    private static void expect(String s, int[] pos, String want) throws Incomplete, Bad {
        for (int i = 0; i < want.length(); i++) {
            if (at(s, pos) != want.charAt(i)) {
                throw new Bad();
            }
            pos[0]++;
        }
    }

    private static boolean tchar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    private static void ows(String s, int[] pos) throws Incomplete {
        while (at(s, pos) == ' ' || at(s, pos) == '\t') {
            pos[0]++;
        }
    }

    /** *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] ) */
    private static void extensions(String s, int[] pos) throws Incomplete, Bad {
        for (;;) {
            int mark = pos[0];
            ows(s, pos);
            if (at(s, pos) != ';') {
                if (pos[0] != mark) {
                    throw new Bad(); // whitespace not followed by ';'
                }
                return;
            }
            pos[0]++;
            ows(s, pos);
            if (!tchar(at(s, pos))) {
                throw new Bad();
            }
            while (tchar(at(s, pos))) {
                pos[0]++;
            }
            int afterName = pos[0];
            ows(s, pos);
            if (at(s, pos) != '=') {
                if (pos[0] != afterName && at(s, pos) != ';') {
                    throw new Bad();
                }
                if (pos[0] != afterName) {
                    continue; // "name ;": the ';' starts the next extension
                }
                continue;
            }
            pos[0]++;
            ows(s, pos);
            char c = at(s, pos);
            if (c == '"') {
                pos[0]++;
                for (;;) {
                    char q = at(s, pos);
                    pos[0]++;
                    if (q == '"') {
                        break;
                    }
                    if (q == '\\') {
                        q = at(s, pos);
                        pos[0]++;
                    }
                    if (!(q == ' ' || q == '\t' || q >= 0x21 && q != 0x7f)) {
                        throw new Bad();
                    }
                }
            } else if (tchar(c)) {
                while (tchar(at(s, pos))) {
                    pos[0]++;
                }
            } else {
                throw new Bad();
            }
        }
    }
}
