package io.weft.internal.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * {@link WriteQueue.Chunks} of native memory for a native backend, which can send from it with
 * no staging copy: {@value WriteQueue#CHUNK}-byte direct buffers kept on a free list per driver,
 * so a steady state of partial writes allocates nothing. A write larger than a chunk is split
 * over several ({@link #maxChunk}): measured on the proxy's bulk relay, taking one fresh heap
 * buffer per 64 KiB read instead (allocated, zeroed by the JVM, copied in, then staged into native
 * memory to be sent) was a quarter of the proxy's CPU. A caller asking {@link #take} for more than
 * a chunk still gets a heap buffer, since pooling odd sizes would hoard memory; the backend
 * stages those. Memory: owned by the pool's driver; a pooled chunk lives until the JVM frees it
 * (direct buffers are freed by their cleaner when unreachable), the free list is capped at
 * {@code maxPooled} chunks. Loop thread only.
 */
public final class DirectChunks implements WriteQueue.Chunks {
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final int maxPooled;

    public DirectChunks(int maxPooled) {
        this.maxPooled = maxPooled;
    }

    @Override
    public ByteBuffer take(int minCapacity) {
        if (minCapacity > WriteQueue.CHUNK) {
            return ByteBuffer.allocate(minCapacity);
        }
        ByteBuffer b = free.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(WriteQueue.CHUNK);
    }

    @Override
    public void give(ByteBuffer buffer) {
        if (buffer.isDirect() && buffer.capacity() == WriteQueue.CHUNK && free.size() < maxPooled) {
            free.push(buffer);
        }
    }

    @Override
    public int maxChunk() {
        return WriteQueue.CHUNK;
    }

    /** Chunks on the free list. */
    public int pooled() {
        return free.size();
    }
}
