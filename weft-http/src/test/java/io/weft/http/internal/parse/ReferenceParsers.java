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
        for (String f : lines.subList(1, lines.size())) {
            if (f.indexOf('\r') >= 0 || f.indexOf('\n') >= 0) {
                return Request.rejected(400); // bare CR or LF
            }
            if (f.startsWith(" ") || f.startsWith("\t")) {
                return Request.rejected(400); // obs-fold
            }
            Matcher fm = FIELD.matcher(f);
            if (!fm.matches() || !FIELD_VALUE.matcher(fm.group(2)).matches()) {
                return Request.rejected(400);
            }
            fields.add(fm.group(1));
            fields.add(fm.group(2));
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
