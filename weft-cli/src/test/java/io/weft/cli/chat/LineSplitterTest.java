package io.weft.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting bytes into lines, whatever the chunks they arrive in. */
class LineSplitterTest {
    private final List<String> got = new ArrayList<>();
    private final LineSplitter.Sink sink = new LineSplitter.Sink() {
        @Override
        public void line(byte[] bytes, int length) {
            got.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void overlong() {
            got.add("<overlong>");
        }
    };

    private void feed(LineSplitter s, String text) {
        s.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), sink, () -> false);
    }

    @Test
    void cutsAtLfAndCrlfAcrossChunks() {
        LineSplitter s = new LineSplitter(100);
        feed(s, "one\ntw");
        feed(s, "o\r");
        feed(s, "\nthree\r\n\nfour");

        assertThat(got).containsExactly("one", "two", "three", "");
        s.finish(sink);
        assertThat(got).containsExactly("one", "two", "three", "", "four");
    }

    @Test
    void aLineOfExactlyTheLimitPassesWithOrWithoutCr() {
        LineSplitter s = new LineSplitter(5);
        feed(s, "12345\n12345\r\n");

        assertThat(got).containsExactly("12345", "12345");
    }

    @Test
    void aLongerLineIsReportedOnceAsSoonAsItIsCertainAndSkippedToItsEnd() {
        LineSplitter s = new LineSplitter(5);
        feed(s, "123456");
        assertThat(got).containsExactly("<overlong>");
        feed(s, "789".repeat(1000));
        feed(s, "0\nok\n");
        assertThat(got).containsExactly("<overlong>", "ok");

        feed(s, "12345\rx\n"); // a CR that is not part of CRLF counts as a byte
        assertThat(got).containsExactly("<overlong>", "ok", "<overlong>");
    }

    @Test
    void stopsWhenToldAndLeavesTheRestUnread() {
        LineSplitter s = new LineSplitter(10);
        ByteBuffer data = ByteBuffer.wrap("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII));

        s.feed(data, sink, () -> got.size() == 2);

        assertThat(got).containsExactly("a", "b");
        assertThat(data.remaining()).isEqualTo(2);
    }
}
