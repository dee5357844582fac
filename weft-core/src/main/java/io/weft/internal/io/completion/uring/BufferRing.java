package io.weft.internal.io.completion.uring;

import io.weft.internal.sys.CallState;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The loop's provided-buffer ring (IORING_REGISTER_PBUF_RING): {@link #COUNT} buffers of
 * {@link #SIZE} bytes that multishot receives pick from, so memory for reads is per loop, not per
 * connection. A CQE with IORING_CQE_F_BUFFER names the buffer the kernel filled; the socket lends
 * it to its sink ({@link #lend}) and hands it back ({@link #recycle}) after, which puts it at the
 * ring's tail again with no system call.
 *
 * <p>Memory: the ring entries and the buffers are owned by the driver from construction until its
 * close (after every receive's completion arrived and the ring is unregistered); between a CQE
 * and its {@link #recycle}, a buffer is the socket's. Loop thread only.
 */
final class BufferRing {
    /** Buffers in the ring (a power of two, at most 32768). */
    static final int COUNT = 512;
    /** Bytes per buffer: a loop's reads land in {@code COUNT x SIZE} = 4 MiB at most. */
    static final int SIZE = 8 * 1024;
    /** The buffer group id the receives select from. */
    static final int GROUP = 0;

    private final MemorySegment ring;
    private final MemorySegment data;
    private final ByteBuffer[] views = new ByteBuffer[COUNT];
    private int tail;

    BufferRing(UringRing uring, CallState cs, Arena arena) throws IOException {
        this.ring = arena.allocate((long) COUNT * UringLayout.BUF_SIZE, 4096);
        this.data = arena.allocate((long) COUNT * SIZE, 4096);
        for (int bid = 0; bid < COUNT; bid++) {
            views[bid] = data.asSlice((long) bid * SIZE, SIZE).asByteBuffer();
            UringRing.putBuffer(ring, bid, data.address() + (long) bid * SIZE, SIZE, bid);
        }
        tail = COUNT;
        UringRing.publishBufferTail(ring, tail);
        uring.registerBufferRing(cs, ring, COUNT, GROUP);
    }

    /** Buffer {@code bid} as a buffer of {@code length} bytes, lent for one sink call. */
    ByteBuffer lend(int bid, int length) {
        return views[bid].clear().limit(length);
    }

    /** Gives buffer {@code bid} back to the kernel: the entry first, then the tail with release. */
    void recycle(int bid) {
        UringRing.putBuffer(ring, tail & (COUNT - 1), data.address() + (long) bid * SIZE, SIZE, bid);
        tail++;
        UringRing.publishBufferTail(ring, tail);
    }

    /** Buffer {@code bid}'s first {@code length} bytes copied into {@code to} (its position moves). */
    void copy(int bid, int length, ByteBuffer to) {
        to.put(views[bid].clear().limit(length));
    }

    /** Unregisters the ring; its memory goes with the driver's arena. Only after every receive's completion. */
    void close(UringRing uring, CallState cs) {
        uring.unregisterBufferRing(cs, GROUP);
    }
}
