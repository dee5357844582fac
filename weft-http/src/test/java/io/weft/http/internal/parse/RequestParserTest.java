package io.weft.http.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestParserTest {

    private static final ParseLimits LIMITS = new ParseLimits(64, 256, 8);

    private static RequestHead parse(String text) throws ParseException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        RequestHead head = new RequestHead();
        int end = RequestParser.parse(b, 0, b.length, LIMITS, head);
        assertThat(end).as("complete").isEqualTo(b.length);
        return head;
    }

    private static int status(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        try {
            RequestParser.parse(b, 0, b.length, LIMITS, new RequestHead());
        } catch (ParseException e) {
            return e.status();
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void parsesAGetWithOffsetsIntoTheBuffer() throws ParseException {
        RequestHead h = parse("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-Y:  spaced value \t\r\n\r\n");
        assertThat(h.method()).isSameAs(Methods.GET);
        assertThat(h.target()).isEqualTo("/a?b=c");
        assertThat(h.minorVersion()).isEqualTo(1);
        assertThat(h.fields().count()).isEqualTo(2);
        assertThat(h.fields().name(1)).isEqualTo("X-Y");
        assertThat(h.fields().value(1)).isEqualTo("spaced value");
        assertThat(h.contentLength()).isEqualTo(RequestHead.NO_LENGTH);
        assertThat(h.chunked()).isFalse();
        assertThat(h.keepAlive()).isTrue();
    }

    @Test
    void everyPrefixOfAValidHeadIsIncompleteNeverAnError() throws ParseException {
        byte[] b = "\r\nPOST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < b.length; n++) {
            assertThat(RequestParser.parse(b, 0, n, LIMITS, new RequestHead())).as("prefix %d", n).isEqualTo(RequestParser.INCOMPLETE);
            assertThat(RequestParser.headEnd(b, 0, 0, n)).isEqualTo(RequestParser.INCOMPLETE);
        }
        RequestHead h = new RequestHead();
        assertThat(RequestParser.parse(b, 0, b.length, LIMITS, h)).isEqualTo(b.length);
        assertThat(RequestParser.headEnd(b, 0, 0, b.length)).isEqualTo(b.length);
        assertThat(h.contentLength()).isEqualTo(5);
        assertThat(h.headStart()).isEqualTo(2);
    }

    @Test
    void parsesFromAnOffsetAndStopsAtTheHeadsEnd() throws ParseException {
        byte[] b = "xxGET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next".getBytes(StandardCharsets.US_ASCII);
        RequestHead h = new RequestHead();
        int end = RequestParser.parse(b, 2, b.length, LIMITS, h);
        assertThat(new String(b, end, b.length - end, StandardCharsets.US_ASCII)).isEqualTo("GET /next");
    }

    @Test
    void http10DefaultsToCloseAndNeedsNoHost() throws ParseException {
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.9\r\nHost: h\r\n\r\n").minorVersion()).isEqualTo(1);
    }

    @Test
    void readsFraming() throws ParseException {
        assertThat(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n").chunked()).isTrue();
        assertThat(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0012\r\n\r\n").contentLength()).isEqualTo(12);
        assertThat(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n").contentLength()).isEqualTo(7);
        assertThat(parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n").expectContinue()).isTrue();
        assertThat(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").target()).isEqualTo("*");
        assertThat(parse("GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n").target()).isEqualTo("http://h/x");
        assertThat(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").fields().value(0)).isEmpty();
        assertThat(parse("GET / HTTP/1.1\r\nHost: h\r\nX: caf\u00e9\r\n\r\n").fields().value(1)).isEqualTo("caf\u00e9");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | both CL and TE            | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            400 | TE then CL                | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\n
            400 | TE last not chunked       | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n
            400 | TE identity               | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: identity\\r\\n\\r\\n
            400 | TE chunked twice          | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            400 | TE empty                  | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: \\r\\n\\r\\n
            400 | TE on HTTP/1.0            | POST / HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n
            400 | TE xchunked               | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n
            501 | TE gzip then chunked      | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n
            400 | CL not digits             | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 12a\\r\\n\\r\\n
            400 | CL signed plus            | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: +12\\r\\n\\r\\n
            400 | CL signed minus           | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: -1\\r\\n\\r\\n
            400 | CL hex                    | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 0x10\\r\\n\\r\\n
            400 | CL empty                  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: \\r\\n\\r\\n
            400 | CL overflow               | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n
            400 | CL conflicting fields     | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n
            400 | CL conflicting list       | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3, 4\\r\\n\\r\\n
            400 | CL space inside           | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1 2\\r\\n\\r\\n
            400 | obs-fold                  | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\r\\n b\\r\\n\\r\\n
            400 | obs-fold tab              | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\r\\n\\tb\\r\\n\\r\\n
            400 | space before colon        | GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n
            400 | tab before colon          | GET / HTTP/1.1\\r\\nHost\\t: h\\r\\n\\r\\n
            400 | empty field name          | GET / HTTP/1.1\\r\\nHost: h\\r\\n: v\\r\\n\\r\\n
            400 | no colon                  | GET / HTTP/1.1\\r\\nHost: h\\r\\nnocolon\\r\\n\\r\\n
            400 | bare CR in value          | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\rb\\r\\n\\r\\n
            400 | bare CR ends head         | GET / HTTP/1.1\\r\\nHost: h\\r\\n\\rX\\r\\n\\r\\n
            400 | bare CR in request line   | GET / HTTP/1.1\\rX\\r\\nHost: h\\r\\n\\r\\n
            400 | bare LF in value          | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\nY: b\\r\\n\\r\\n
            400 | bare LF request line      | GET / HTTP/1.1\\nHost: h\\r\\n\\r\\n
            400 | NUL in value              | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u0000b\\r\\n\\r\\n
            400 | control in value          | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u0001b\\r\\n\\r\\n
            400 | DEL in value              | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u007fb\\r\\n\\r\\n
            400 | NUL in name               | GET / HTTP/1.1\\r\\nHost: h\\r\\nX\\u0000: a\\r\\n\\r\\n
            400 | non-token in name         | GET / HTTP/1.1\\r\\nHost: h\\r\\nX(y): a\\r\\n\\r\\n
            400 | missing Host on 1.1       | GET / HTTP/1.1\\r\\nX: y\\r\\n\\r\\n
            400 | duplicate Host            | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n
            400 | duplicate Host on 1.0     | GET / HTTP/1.0\\r\\nHost: a\\r\\nhost: a\\r\\n\\r\\n
            400 | Host with slash           | GET / HTTP/1.1\\r\\nHost: a/b\\r\\n\\r\\n
            400 | Host with at              | GET / HTTP/1.1\\r\\nHost: u@a\\r\\n\\r\\n
            400 | method not a token        | G(T / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | no method                 | \\u0020/ HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | two spaces after method   | GET  / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | two spaces after target   | GET /  HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | tab separator             | GET\\t/ HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | space in target           | GET /a b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | quote in target           | GET /a\\"b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | fragment in target        | GET /a#b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | high byte in target       | GET /caf\\u00e9 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | bad percent escape        | GET /a%zz HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | cut percent escape        | GET /a%2 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | relative target           | GET a/b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | asterisk for GET          | GET * HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | lower-case version        | GET / http/1.1\\r\\nHost: h\\r\\n\\r\\n
            400 | version without minor     | GET / HTTP/1\\r\\nHost: h\\r\\n\\r\\n
            400 | two-digit version         | GET / HTTP/1.10\\r\\nHost: h\\r\\n\\r\\n
            400 | no version                | GET /\\r\\nHost: h\\r\\n\\r\\n
            505 | HTTP/2.0                  | GET / HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n
            505 | HTTP/0.9 style            | GET / HTTP/0.9\\r\\nHost: h\\r\\n\\r\\n
            501 | unknown method            | BREW / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            501 | lower-case method         | get / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            501 | CONNECT                   | CONNECT h:443 HTTP/1.1\\r\\nHost: h:443\\r\\n\\r\\n
            417 | unknown expectation       | POST / HTTP/1.1\\r\\nHost: h\\r\\nExpect: 200-ok\\r\\n\\r\\n
            414 | request line too long     | GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n
            431 | too many fields           | GET / HTTP/1.1\\r\\nHost: h\\r\\na: 1\\r\\nb: 1\\r\\nc: 1\\r\\nd: 1\\r\\ne: 1\\r\\nf: 1\\r\\ng: 1\\r\\nh: 1\\r\\n\\r\\n
            431 | head too large            | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\r\\n\\r\\n
            """)
    void rejects(int expected, String why, String escaped) {
        assertThat(status(unescape(escaped))).as(why).isEqualTo(expected);
    }

    @Test
    void limitsApplyBeforeTheHeadIsComplete() {
        byte[] line = ("GET /" + "a".repeat(100)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> RequestParser.checkIncomplete(line, 0, line.length, LIMITS))
                .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.status()).isEqualTo(414));
        byte[] head = ("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(60)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> RequestParser.checkIncomplete(head, 0, head.length, LIMITS))
                .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.status()).isEqualTo(431));
        byte[] fine = "GET / HTTP/1.1\r\nHost: h\r\n".getBytes(StandardCharsets.US_ASCII);
        org.assertj.core.api.Assertions.assertThatCode(() -> RequestParser.checkIncomplete(fine, 0, fine.length, LIMITS))
                .doesNotThrowAnyException();
    }

    @Test
    void headEndResumesFromWhereTheLastSearchStopped() {
        byte[] b = "GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int last = 0;
        int found = RequestParser.INCOMPLETE;
        for (int n = 1; n <= b.length && found < 0; n++) {
            found = RequestParser.headEnd(b, 0, last, n);
            last = n;
        }
        assertThat(found).isEqualTo(b.length);
    }

    /** {@code \r}, {@code \n}, {@code \t}, {@code \"} and {@code \\uXXXX} escapes, as Java writes them. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(n);
            }
        }
        return out.toString();
    }
}
