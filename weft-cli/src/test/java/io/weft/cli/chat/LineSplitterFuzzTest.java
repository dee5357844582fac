package io.weft.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The chat line splitter against a reference framing of the whole input: a peer's bytes,
 * cut into reads at points the fuzzer picks, with the sink asking to stop at points it picks
 * too, must give the same lines and overlong reports as splitting the whole input at once,
 * and the splitter must never hold more than {@code maxLine + 1} bytes.
 *
 * <p>In a plain build this runs the inputs under {@code LineSplitterFuzzTestInputs/}; to fuzz,
 * see {@code tools/fuzz.sh}.
 */
class LineSplitterFuzzTest {

    @FuzzTest
    void splitsAsTheWholeInputWould(FuzzedDataProvider data) throws ReflectiveOperationException {
        int maxLine = data.consumeInt(1, 70);
        int cuts = data.consumeInt(0, 16);
        int[] at = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            at[i] = data.consumeInt(0, 4096);
        }
        long stops = data.consumeLong(); // bit i: stop after the sink's i-th call
        byte[] input = data.consumeRemainingAsBytes();

        List<String> expected = reference(input, maxLine);

        LineSplitter splitter = new LineSplitter(maxLine);
        List<String> got = new ArrayList<>();
        int[] calls = {0};
        boolean[] stopNow = {false};
        LineSplitter.Sink sink = new LineSplitter.Sink() {
            @Override
            public void line(byte[] bytes, int length) {
                assertThat(length).as("line length").isBetween(0, maxLine);
                got.add(Arrays.toString(Arrays.copyOf(bytes, length)));
                after();
            }

            @Override
            public void overlong() {
                got.add("overlong");
                after();
            }

            private void after() {
                stopNow[0] = (stops >>> (calls[0]++ & 63) & 1) != 0;
            }
        };
        Field buffer = LineSplitter.class.getDeclaredField("buffer");
        buffer.setAccessible(true);

        Arrays.sort(at);
        int from = 0;
        for (int i = 0; i <= cuts; i++) {
            int to = i < cuts ? Math.min(at[i], input.length) : input.length;
            if (to < from) {
                continue;
            }
            ByteBuffer read = ByteBuffer.wrap(input, from, to - from);
            while (read.hasRemaining()) {
                int before = read.remaining();
                stopNow[0] = false;
                splitter.feed(read, sink, () -> stopNow[0]);
                assertThat(read.hasRemaining() && !stopNow[0]).as("feed returned early without a stop").isFalse();
                assertThat(read.remaining()).as("progress").isLessThan(before);
            }
            assertThat(((byte[]) buffer.get(splitter)).length).as("held bytes").isLessThanOrEqualTo(maxLine + 1);
            from = to;
        }
        splitter.finish(sink);

        assertThat(got).isEqualTo(expected);
    }

    /**
     * The framing the splitter documents, of the whole input: lines end at LF, one CR before
     * the LF belongs to the line end, a line longer than {@code maxLine} is reported as overlong
     * instead, and a last line without LF counts at the end (a CR ending it is dropped, as the
     * first half of a line end cut short).
     */
    static List<String> reference(byte[] input, int maxLine) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < input.length) {
            int lf = start;
            while (lf < input.length && input[lf] != '\n') {
                lf++;
            }
            int end = lf > start && input[lf - 1] == '\r' ? lf - 1 : lf;
            if (lf == input.length && lf == start) {
                break;
            }
            out.add(end - start > maxLine ? "overlong" : Arrays.toString(Arrays.copyOfRange(input, start, end)));
            start = lf + 1;
        }
        return out;
    }
}
