package io.weft.internal.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes a transport has accepted but the kernel has not yet taken, in order.
 *
 * <p>The queue owns its buffers: {@link #add} copies, so callers may reuse theirs at once. Small
 * writes are packed into the last buffer while it has room, so a thousand 10-byte messages
 * become one gathering write, not a thousand iovecs. The buffers come from the driver's
 * {@link Chunks} (heap for NIO, whose channels copy into their own native buffers anyway; native
 * memory where a native backend sends straight from it) and go back to it once sent.
 *
 * <p>Queued and in flight: a readiness backend writes synchronously, so every byte is either
 * queued or gone. A completion backend hands the kernel bytes from the front and learns later
 * how many it took; meanwhile those bytes are <em>in flight</em> ({@link #beginFlight}): still
 * counted in {@link #size()} (they have not left), not to be touched or handed out again, and
 * released by {@link #consumed} when the completion arrives. Loop thread only.
 */
public final class WriteQueue {
    /** The smallest buffer taken for a copy; small writes share one. */
    public static final int CHUNK = 8 * 1024;

    /**
     * Where a queue's buffers come from and go back to: the driver's choice of memory.
     * Loop thread only.
     */
    public interface Chunks {
        /** A buffer with at least {@code minCapacity} bytes of room, cleared. */
        ByteBuffer take(int minCapacity);

        /** A buffer the queue is done with (sent or dropped); the source may reuse it. */
        void give(ByteBuffer buffer);

        /**
         * The most bytes one buffer of this source should hold: {@link #add} splits a larger write
         * over several buffers. A pooling source says its pooled size, so that a write larger than
         * a chunk (a whole 64 KiB read forwarded by a proxy) lands in pooled memory, not in a
         * fresh buffer allocated and zeroed for it. Unbounded by default.
         */
        default int maxChunk() {
            return Integer.MAX_VALUE;
        }
    }

    /** Plain heap buffers, left to the garbage collector. */
    public static final Chunks HEAP = new Chunks() {
        @Override
        public ByteBuffer take(int minCapacity) {
            return ByteBuffer.allocate(Math.max(minCapacity, CHUNK));
        }

        @Override
        public void give(ByteBuffer buffer) {
        }
    };

    private final Chunks chunks;
    private ByteBuffer[] buffers = new ByteBuffer[8];
    private int head;
    private int tail;
    private long size;
    private long inFlight;

    /** A queue of heap buffers. */
    public WriteQueue() {
        this(HEAP);
    }

    public WriteQueue(Chunks chunks) {
        this.chunks = chunks;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes queued, in flight included. */
    public long size() {
        return size;
    }

    /** Bytes from the front handed to the kernel and not yet reported back. */
    public long inFlight() {
        return inFlight;
    }

    /** Copies {@code src}'s remaining bytes in; its position moves to its limit. */
    public void add(ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        size += n;
        if (tail > head) {
            ByteBuffer last = buffers[tail - 1];
            int lim = last.limit();
            if (last.capacity() - lim >= n) {
                int pos = last.position();
                last.limit(lim + n).position(lim);
                last.put(src);
                last.position(pos);
                return;
            }
        }
        int max = chunks.maxChunk();
        if (n <= max) {
            ByteBuffer copy = chunks.take(n);
            copy.put(src).flip();
            append(copy);
            return;
        }
        int end = src.limit();
        while (src.position() < end) {
            src.limit(Math.min(end, src.position() + max));
            ByteBuffer copy = chunks.take(src.remaining());
            copy.put(src).flip();
            append(copy);
        }
        src.limit(end);
    }

    private void append(ByteBuffer b) {
        if (tail == buffers.length) {
            if (head > 0) {
                System.arraycopy(buffers, head, buffers, 0, tail - head);
                Arrays.fill(buffers, tail - head, tail, null);
                tail -= head;
                head = 0;
            } else {
                buffers = Arrays.copyOf(buffers, buffers.length * 2);
            }
        }
        buffers[tail++] = b;
    }

    /** The queued buffers, for a gathering write: from {@link #offset()}, {@link #count()} of them. */
    public ByteBuffer[] array() {
        return buffers;
    }

    public int offset() {
        return head;
    }

    public int count() {
        return tail - head;
    }

    /**
     * A completion backend handed the kernel {@code n} more bytes from the front (after those
     * already in flight); they stay queued until {@link #consumed}.
     */
    public void beginFlight(long n) {
        if (n < 0 || inFlight + n > size) {
            throw new IllegalArgumentException("cannot put " + n + " more bytes in flight: " + inFlight + " of "
                    + size + " already are");
        }
        inFlight += n;
    }

    /**
     * Records that the kernel took {@code n} bytes from the front. The backend has already
     * moved the buffers' positions past them (a gathering channel write does that); this drops
     * the finished buffers, gives them back to their source, and updates the count. Bytes in
     * flight are taken first.
     */
    public void consumed(long n) {
        size -= n;
        inFlight = Math.max(0, inFlight - n);
        while (head < tail && !buffers[head].hasRemaining()) {
            chunks.give(buffers[head]);
            buffers[head++] = null;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    /**
     * A completion backend's send of the in-flight bytes ended without taking (the rest of) them:
     * a partial send, a failure, or a cancel on close. They are queued again, untouched, and only
     * {@link #consumed} bytes left. The backend keeps the buffers' memory alive itself until the
     * kernel's completion, even if the queue is cleared meanwhile.
     */
    public void endFlight() {
        inFlight = 0;
    }

    /**
     * Drops everything. Only when nothing is in flight: a completion backend clears after the
     * kernel has let go of the bytes, never before.
     */
    public void clear() {
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " bytes are in flight; wait for their completion");
        }
        for (int i = head; i < tail; i++) {
            chunks.give(buffers[i]);
            buffers[i] = null;
        }
        head = tail = 0;
        size = 0;
    }
}
