package io.weft.internal.io.readiness.epoll;

import io.weft.internal.sys.IoVec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One driver's native scratch memory for writes: a staging area that heap bytes are copied into
 * before a {@code send} (the kernel cannot read the Java heap through a plain downcall, and
 * {@code critical(true)}, which can, was not measured to pay), and an iovec array for gathering
 * writes of direct buffers.
 *
 * <p>Owned by the {@link EpollDriver}; valid from one call's start to its end (each write fills
 * it afresh); freed at the driver's close. A shared arena, because a loop is created on one
 * thread and runs on another.
 */
final class Buffers {
    /** Heap bytes copied per send at most; the JDK's own copy for a heap channel write is unbounded. */
    static final int STAGING = 256 * 1024;
    /** {@code IOV_MAX} (x86_64-linux-gnu/bits/xopen_lim.h, 1024): iovecs per {@code writev}. */
    static final int IOV_MAX = 1024;

    private final Arena arena = Arena.ofShared();
    /** Owned by the driver: heap bytes on their way into a send; freed at the driver's close. */
    final MemorySegment staging = arena.allocate(STAGING, 64);
    /** {@link #staging} as a buffer, made once: copying through it allocates nothing per write. */
    private final ByteBuffer stagingBuffer = staging.asByteBuffer();
    /** Owned by the driver: the iovec array of one writev; freed at the driver's close. */
    final MemorySegment iov = arena.allocate(IoVec.SIZE * IOV_MAX, 8);

    /**
     * Copies up to {@link #STAGING} of {@code src}'s remaining bytes into {@link #staging}
     * without moving its position; returns how many.
     */
    int stage(ByteBuffer src) {
        int n = Math.min(src.remaining(), STAGING);
        stagingBuffer.put(0, src, src.position(), n);
        return n;
    }

    /**
     * Copies the remaining bytes of {@code count} buffers from {@code offset} of {@code bufs}
     * into {@link #staging}, in order, as many as fit; returns how many bytes.
     */
    int stage(ByteBuffer[] bufs, int offset, int count) {
        long at = 0;
        for (int i = offset; i < offset + count && at < STAGING; i++) {
            ByteBuffer b = bufs[i];
            int n = (int) Math.min(b.remaining(), STAGING - at);
            stagingBuffer.put((int) at, b, b.position(), n);
            at += n;
        }
        return (int) at;
    }

    /** Moves the positions of {@code bufs} from {@code offset} past {@code n} bytes in all, as a gathering write would. */
    static void advance(ByteBuffer[] bufs, int offset, long n) {
        for (int i = offset; n > 0; i++) {
            ByteBuffer b = bufs[i];
            int step = (int) Math.min(b.remaining(), n);
            b.position(b.position() + step);
            n -= step;
        }
    }

    void close() {
        arena.close();
    }
}
