package io.weft.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The write queue's ownership rules: chunks from and back to their source, in-flight bytes kept. */
class WriteQueueTest {

    /** A source that records what it handed out and got back. */
    static final class Recording implements WriteQueue.Chunks {
        final List<ByteBuffer> taken = new ArrayList<>();
        final List<ByteBuffer> given = new ArrayList<>();

        @Override
        public ByteBuffer take(int minCapacity) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(minCapacity, WriteQueue.CHUNK));
            taken.add(b);
            return b;
        }

        @Override
        public void give(ByteBuffer buffer) {
            given.add(buffer);
        }
    }

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** What a gathering write would send, without moving anything. */
    static String contents(WriteQueue q) {
        StringBuilder sb = new StringBuilder();
        for (int i = q.offset(); i < q.offset() + q.count(); i++) {
            ByteBuffer b = q.array()[i].duplicate();
            while (b.hasRemaining()) {
                sb.append((char) b.get());
            }
        }
        return sb.toString();
    }

    /** Sends {@code n} bytes from the front, as a gathering write moves the buffers' positions. */
    static void send(WriteQueue q, int n) {
        int left = n;
        for (int i = q.offset(); left > 0; i++) {
            ByteBuffer b = q.array()[i];
            int k = Math.min(left, b.remaining());
            b.position(b.position() + k);
            left -= k;
        }
        q.consumed(n);
    }

    @Test
    void smallWritesShareOneChunkTakenFromTheSourceAndGivenBackWhenSent() {
        Recording source = new Recording();
        WriteQueue q = new WriteQueue(source);
        for (int i = 0; i < 100; i++) {
            q.add(text("0123456789"));
        }
        assertThat(source.taken).hasSize(1);
        assertThat(q.size()).isEqualTo(1000);
        send(q, 999);
        assertThat(source.given).as("one byte left: the chunk is still in use").isEmpty();
        send(q, 1);
        assertThat(source.given).containsExactlyElementsOf(source.taken);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void theCallersBufferIsCopiedSoItMayBeReusedAtOnce() {
        WriteQueue q = new WriteQueue(new Recording());
        ByteBuffer mine = text("hello");
        q.add(mine);
        assertThat(mine.hasRemaining()).isFalse();
        mine.clear();
        mine.put("XXXXX".getBytes(StandardCharsets.US_ASCII));
        assertThat(contents(q)).isEqualTo("hello");
    }

    @Test
    void bytesInFlightStayQueuedUntilTheirCompletionAndBlockAClear() {
        Recording source = new Recording();
        WriteQueue q = new WriteQueue(source);
        q.add(text("abcdef"));
        q.beginFlight(4);
        assertThat(q.inFlight()).isEqualTo(4);
        assertThat(q.size()).as("in flight has not left yet").isEqualTo(6);
        q.add(text("gh")); // appending while the front is with the kernel is fine
        assertThatThrownBy(q::clear).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in flight");
        assertThat(source.given).as("nothing released while the kernel may read it").isEmpty();
        send(q, 4);
        assertThat(q.inFlight()).isZero();
        assertThat(contents(q)).isEqualTo("efgh");
        assertThatThrownBy(() -> q.beginFlight(5)).isInstanceOf(IllegalArgumentException.class);
        q.clear();
        assertThat(source.given).containsExactlyElementsOf(source.taken);
    }

    @Test
    void directChunksAreReusedAndOddSizesAreNot() {
        DirectChunks pool = new DirectChunks(4);
        ByteBuffer a = pool.take(10);
        assertThat(a.isDirect()).isTrue();
        pool.give(a);
        assertThat(pool.take(100)).isSameAs(a);
        ByteBuffer big = pool.take(WriteQueue.CHUNK + 1);
        assertThat(big.isDirect()).as("one big write is not pooled").isFalse();
        pool.give(big);
        assertThat(pool.pooled()).isZero();
    }

    @Test
    void aWriteLargerThanAPooledChunkIsSplitOverPooledChunksInOrder() {
        DirectChunks pool = new DirectChunks(64);
        WriteQueue q = new WriteQueue(pool);
        byte[] data = new byte[5 * WriteQueue.CHUNK + 123];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
        q.add(src);

        assertThat(src.hasRemaining()).isFalse();
        assertThat(src.limit()).isEqualTo(data.length);
        assertThat(q.size()).isEqualTo(data.length);
        assertThat(q.count()).isEqualTo(6);
        byte[] back = new byte[data.length];
        int at = 0;
        for (int i = q.offset(); i < q.offset() + q.count(); i++) {
            ByteBuffer b = q.array()[i];
            assertThat(b.isDirect()).isTrue();
            assertThat(b.capacity()).isEqualTo(WriteQueue.CHUNK);
            int k = b.remaining();
            b.duplicate().get(back, at, k);
            at += k;
        }
        assertThat(back).isEqualTo(data);
        send(q, data.length);
        assertThat(pool.pooled()).isEqualTo(6);
    }
}
