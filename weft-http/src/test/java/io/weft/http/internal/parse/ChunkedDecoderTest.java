package io.weft.http.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkedDecoderTest {

    /** Decodes {@code text} in pieces of {@code step} bytes; returns the body, and where decoding stopped in {@code stop[0]}. */
    private static String decode(String text, int step, int[] stop, ChunkedDecoder d) throws ParseException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (p < b.length && !d.isDone()) {
            int end = Math.min(b.length, p + step);
            int q = d.decode(b, p, end, out::write);
            assertThat(q).isLessThanOrEqualTo(end);
            if (q < end) {
                assertThat(d.isDone()).as("stops early only when done").isTrue();
            }
            p = q;
        }
        stop[0] = p;
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static int status(String text) {
        ChunkedDecoder d = new ChunkedDecoder(32, 64);
        try {
            decode(text, Integer.MAX_VALUE, new int[1], d);
        } catch (ParseException e) {
            return e.status();
        }
        throw new AssertionError("accepted (done=" + d.isDone() + "): " + text);
    }

    @Test
    void decodesInPiecesOfAnySizeAndStopsAtTheBodysEnd() throws ParseException {
        String body = "4\r\nWiki\r\n5;a=b;c=\"q \\\" x\"\r\npedia\r\nE ; ext\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\nY: two\r\n\r\nNEXT";
        for (int step = 1; step <= body.length(); step++) {
            int[] stop = new int[1];
            ChunkedDecoder d = new ChunkedDecoder(64, 64);
            assertThat(decode(body, step, stop, d)).isEqualTo("Wikipedia in\r\n\r\nchunks.");
            assertThat(d.isDone()).isTrue();
            assertThat(body.substring(stop[0])).as("step %d", step).isEqualTo("NEXT");
            assertThat(d.trailers().count()).isEqualTo(2);
            assertThat(d.trailers().value(1)).isEqualTo("two");
        }
    }

    @Test
    void noTrailers() throws ParseException {
        ChunkedDecoder d = new ChunkedDecoder(64, 64);
        assertThat(decode("000\r\n\r\n", 3, new int[1], d)).isEmpty();
        assertThat(d.isDone()).isTrue();
        assertThat(d.trailers().count()).isZero();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | no size              | \\r\\nabc\\r\\n0\\r\\n\\r\\n
            400 | size not hex         | g\\r\\n
            400 | signed size          | -1\\r\\n
            400 | space before size    | \\u00201\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | trailing space       | 1 \\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | bare LF after size   | 1\\nx\\r\\n0\\r\\n\\r\\n
            400 | bare CR after size   | 1\\rx\\r\\n0\\r\\n\\r\\n
            400 | data too long        | 1\\r\\nxy\\r\\n0\\r\\n\\r\\n
            400 | bare LF after data   | 1\\r\\nx\\n0\\r\\n\\r\\n
            400 | size overflow        | 1ffffffffffffffff\\r\\n
            400 | ext not a token      | 1;(\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | ext value bad        | 1;a=(\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | ext NUL              | 1;a\\u0000\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | ext quoted control   | 1;a=\\"\\u0001\\"\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | ext space then junk  | 1;a b\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | ext name then space  | 1;a \\r\\nx\\r\\n0\\r\\n\\r\\n
            431 | ext too long         | 1;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\r\\nx\\r\\n0\\r\\n\\r\\n
            400 | trailer obs-fold     | 0\\r\\nA: b\\r\\n c\\r\\n\\r\\n
            400 | trailer no colon     | 0\\r\\nAb\\r\\n\\r\\n
            400 | trailer space colon  | 0\\r\\nA : b\\r\\n\\r\\n
            400 | trailer NUL          | 0\\r\\nA: \\u0000\\r\\n\\r\\n
            400 | bare CR at end       | 0\\r\\n\\rx
            431 | trailer too large    | 0\\r\\nA: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\\r\\n\\r\\n
            """)
    void rejects(int expected, String why, String escaped) {
        assertThat(status(RequestParserTest.unescape(escaped))).as(why).isEqualTo(expected);
    }
}
