package io.weft.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The buffer against a trivially correct model, through growth, compaction and release. */
class InputBufferTest {

    @Test
    void behavesLikeAByteStringThroughRandomAppendsAndDiscards() {
        Random rnd = new Random(1);
        InputBuffer buf = new InputBuffer();
        byte[] model = new byte[0];
        for (int step = 0; step < 20_000; step++) {
            if (rnd.nextInt(3) > 0 || model.length == 0) {
                byte[] chunk = new byte[rnd.nextInt(rnd.nextInt(10) == 0 ? 40_000 : 300)];
                rnd.nextBytes(chunk);
                buf.append(ByteBuffer.wrap(chunk));
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                joined.writeBytes(model);
                joined.writeBytes(chunk);
                model = joined.toByteArray();
            } else {
                int n = rnd.nextInt(model.length + 1);
                assertThat(buf.copy(n)).isEqualTo(Arrays.copyOf(model, n));
                buf.discard(n);
                model = Arrays.copyOfRange(model, n, model.length);
            }
            assertThat(buf.size()).isEqualTo(model.length);
            if (model.length > 0) {
                int i = rnd.nextInt(model.length);
                assertThat(buf.get(i)).isEqualTo(model[i]);
            }
            // Memory follows what it holds.
            assertThat(buf.capacity()).isLessThanOrEqualTo(Math.max(InputBuffer.KEEP, 4 * model.length));
        }
    }

    @Test
    void findsSeparatorsIncludingOneAtTheVeryEnd() {
        InputBuffer buf = new InputBuffer();
        buf.append(ByteBuffer.wrap("xxab\r\nyy\r".getBytes()));
        byte[] crlf = {'\r', '\n'};
        assertThat(buf.indexOf(crlf, 0)).isEqualTo(4);
        assertThat(buf.indexOf(crlf, 5)).isEqualTo(-1);
        buf.append(ByteBuffer.wrap(new byte[] {'\n'}));
        assertThat(buf.indexOf(crlf, 5)).isEqualTo(8);
        buf.discard(6);
        assertThat(buf.indexOf(crlf, 0)).as("offsets follow the start").isEqualTo(2);
    }

    @Test
    void aLargeArrayIsLetGoWhenTheBufferEmpties() {
        InputBuffer buf = new InputBuffer();
        buf.append(ByteBuffer.allocate(100_000));
        assertThat(buf.capacity()).isGreaterThanOrEqualTo(100_000);
        buf.discard(100_000);
        assertThat(buf.capacity()).isZero();

        buf.append(ByteBuffer.allocate(100));
        int small = buf.capacity();
        buf.discard(100);
        assertThat(buf.capacity()).as("a small array is kept for the next bytes").isEqualTo(small);
    }
}
