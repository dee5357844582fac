package io.weft.http.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the client reads a response head's framing: the list-valued fields. */
class ResponseParserTest {

    private static ResponseHead parse(String text) throws ParseException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        ResponseHead head = new ResponseHead();
        int end = ResponseParser.parse(b, 0, b.length, 8192, false, head);
        assertThat(end).as("complete").isEqualTo(b.length);
        return head;
    }

    @Test
    void connectionTokensAreFoundWhateverWhitespaceSurroundsThem() throws ParseException {
        // RFC 9110 5.6.3: optional whitespace is spaces and tabs; a tab before "close" hid it before.
        assertThat(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive,\tclose\r\nContent-Length: 0\r\n\r\n").keepAlive())
                .isFalse();
        assertThat(parse("HTTP/1.1 200 OK\r\nConnection: Upgrade ,  close\r\nContent-Length: 0\r\n\r\n").keepAlive())
                .isFalse();
        assertThat(parse("HTTP/1.0 200 OK\r\nConnection: foo,\tKeep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive())
                .isTrue();
        assertThat(parse("HTTP/1.1 200 OK\r\nConnection: , ,keep-alive\r\nContent-Length: 0\r\n\r\n").keepAlive())
                .isTrue();
    }

    @Test
    void theLastTransferCodingDecidesTheFraming() throws ParseException {
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\tchunked\r\n\r\n").framing())
                .isEqualTo(ResponseHead.Framing.CHUNKED);
        ResponseHead untilClose = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n");
        assertThat(untilClose.framing()).isEqualTo(ResponseHead.Framing.UNTIL_CLOSE);
        assertThat(untilClose.keepAlive()).isFalse();
    }

    @Test
    void aStatusLineIsJudgedByteByByteNotOnceItHasThirteen() {
        // "HTTP/1.1" CRLF CRLF is a whole head (12 bytes) with no status code: malformed, not incomplete.
        byte[] b = "HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ResponseParser.parse(b, 0, b.length, 8192, false, new ResponseHead()))
                .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.status()).isEqualTo(400));
        byte[] cut = "HTTP/1.1 2x".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ResponseParser.parse(cut, 0, cut.length, 8192, false, new ResponseHead()))
                .isInstanceOf(ParseException.class);
    }
}
