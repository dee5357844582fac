package io.weft.internal.io.completion.uring;

import io.weft.internal.sys.CallState;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The loop's provided-buffer ring (IORING_REGISTER_PBUF_RING): up to {@link #COUNT} buffers of
 * {@link #SIZE} bytes that multishot receives pick from, so memory for reads is per loop, not per
 * connection. A CQE with IORING_CQE_F_BUFFER names the buffer the kernel filled; the socket lends
 * it to its sink ({@link #lend}) and hands it back ({@link #recycle}) after, which puts it at the
 * ring's tail again with no system call.
 *
 * <p><b>Grown on demand.</b> The ring is registered with room for {@link #COUNT} entries (8 KiB of
 * entries) but starts with {@link #INITIAL} buffers (128 KiB): idle connections take none, and the
 * 4 MiB a full ring holds would be resident from the first turn (the arena zeroes what it
 * allocates), about 0.4 KiB per connection of 10,000 idle ones. A receive that finds the ring
 * empty ends with ENOBUFS, its bytes left in the socket; the socket asks to {@link #grow} (the
 * ring's buffers double, once per turn, up to {@link #COUNT}) and re-arms at the end of the turn,
 * so nothing is lost and reading resumes with the new buffers, or with those the run phase gave
 * back. It never shrinks: a loop that was busy once keeps what it needed.
 *
 * <p><b>Parked buffers.</b> A paused socket may keep the buffers its receive filled before the
 * pause took effect, undelivered and uncopied, until it resumes ({@link #park}): at most a quarter
 * of the ring's buffers are parked at once, so the rest always come back by the end of a turn.
 *
 * <p>Memory: the ring entries and every slab of buffers are owned by the driver (its arena) from
 * their allocation until its close (after every receive's completion arrived and the ring is
 * unregistered); between a CQE and its {@link #recycle}, a buffer is the socket's. Loop thread only.
 */
final class BufferRing {
    /** Buffers in the ring at most (a power of two, at most 32768): the ring's entries. */
    static final int COUNT = 512;
    /** Buffers the ring starts with. */
    static final int INITIAL = 16;
    /** Bytes per buffer: a loop's reads land in {@code COUNT x SIZE} = 4 MiB at most. */
    static final int SIZE = 8 * 1024;
    /** The buffer group id the receives select from. */
    static final int GROUP = 0;

    private final Arena arena;
    private final MemorySegment ring;
    private final ByteBuffer[] views = new ByteBuffer[COUNT];
    private final long[] addresses = new long[COUNT];
    /** Buffers made so far (bids {@code 0..count-1}). */
    private int count;
    private int tail;
    /** Buffers kept by paused sockets ({@link #park}). */
    private int parked;
    /** The turn of the last {@link #grow}: at most one a turn. */
    private long grownTurn = -1;

    BufferRing(UringRing uring, CallState cs, Arena arena) throws IOException {
        this.arena = arena;
        this.ring = arena.allocate((long) COUNT * UringLayout.BUF_SIZE, 4096);
        add(INITIAL);
        uring.registerBufferRing(cs, ring, COUNT, GROUP);
    }

    /** Makes {@code n} more buffers, in one slab of the arena, and hands them to the kernel. */
    private void add(int n) {
        MemorySegment slab = arena.allocate((long) n * SIZE, 4096);
        for (int i = 0; i < n; i++) {
            int bid = count + i;
            views[bid] = slab.asSlice((long) i * SIZE, SIZE).asByteBuffer();
            addresses[bid] = slab.address() + (long) i * SIZE;
            UringRing.putBuffer(ring, tail++ & (COUNT - 1), addresses[bid], SIZE, bid);
        }
        count += n;
        UringRing.publishBufferTail(ring, tail);
    }

    /**
     * A receive found no buffer (ENOBUFS) in turn {@code turn}: doubles the buffers, unless the
     * ring is full-sized or grew this turn already (the buffers out come back in its run phase).
     */
    void grow(long turn) {
        if (count < COUNT && grownTurn != turn) {
            grownTurn = turn;
            add(Math.min(count, COUNT - count));
        }
    }

    /** Buffers made so far, for tests and stats. */
    int count() {
        return count;
    }

    /** Buffer {@code bid} as a buffer of {@code length} bytes, lent for one sink call. */
    ByteBuffer lend(int bid, int length) {
        return views[bid].clear().limit(length);
    }

    /** Gives buffer {@code bid} back to the kernel: the entry first, then the tail with release. */
    void recycle(int bid) {
        UringRing.putBuffer(ring, tail & (COUNT - 1), addresses[bid], SIZE, bid);
        tail++;
        UringRing.publishBufferTail(ring, tail);
    }

    /** Whether a paused socket may keep one more filled buffer until it resumes; if so, {@link #unpark} it later. */
    boolean park() {
        if (parked >= count / 4) {
            return false;
        }
        parked++;
        return true;
    }

    /** A parked buffer was delivered or dropped (it is recycled apart). */
    void unpark() {
        parked--;
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
