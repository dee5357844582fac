package io.weft.internal.io.completion.uring;

import io.weft.internal.io.DirectChunks;
import io.weft.internal.io.WriteQueue;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;

/**
 * The driver's write-queue chunks ({@link DirectChunks}), with one rule added for a completion
 * backend: a chunk the kernel is sending from is <em>lent</em>, and a queue that lets go of it
 * meanwhile (a transport clearing its queue on close) does not put it back on the free list,
 * where another connection's writes could land in memory the kernel is still reading. The socket
 * {@link #unlend}s it when the send's completion arrives, and only then is it pooled. Loop thread only.
 */
final class UringChunks implements WriteQueue.Chunks {
    private final DirectChunks pool = new DirectChunks(256);
    /** Chunks under a send in flight: value true once their queue gave them back. */
    private final IdentityHashMap<ByteBuffer, Boolean> lent = new IdentityHashMap<>();

    @Override
    public ByteBuffer take(int minCapacity) {
        return pool.take(minCapacity);
    }

    @Override
    public void give(ByteBuffer buffer) {
        if (!lent.isEmpty() && lent.containsKey(buffer)) {
            lent.put(buffer, Boolean.TRUE);
            return;
        }
        pool.give(buffer);
    }

    /**
     * The pool's chunk: a write larger than a chunk is split over pooled chunks (see {@link
     * DirectChunks}), not copied into one fresh heap buffer that is then staged. Without it, the
     * io_uring copy relay spent 14% of its CPU zeroing such buffers (perf, docs/benchmarks.md).
     */
    @Override
    public int maxChunk() {
        return pool.maxChunk();
    }

    /** The kernel may read {@code buffer} until {@link #unlend}. */
    void lend(ByteBuffer buffer) {
        lent.putIfAbsent(buffer, Boolean.FALSE);
    }

    /** The kernel is done with {@code buffer}; pooled now if its queue already gave it back. */
    void unlend(ByteBuffer buffer) {
        if (lent.remove(buffer) == Boolean.TRUE) {
            pool.give(buffer);
        }
    }

    /** Bytes staged per send at most, for heap chunks (one write larger than a chunk). */
    static final int STAGING = 64 * 1024;
    private final java.util.ArrayDeque<ByteBuffer> staging = new java.util.ArrayDeque<>();

    /**
     * A {@link #STAGING}-byte direct buffer for heap bytes a send needs in native memory; the
     * socket owns it until the send's completion, then {@link #releaseStaging}s it.
     */
    ByteBuffer staging() {
        ByteBuffer b = staging.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(STAGING);
    }

    void releaseStaging(ByteBuffer b) {
        if (staging.size() < 16) {
            staging.push(b);
        }
    }
}
