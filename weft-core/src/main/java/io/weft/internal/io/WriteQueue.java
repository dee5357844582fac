package io.weft.internal.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes a transport has accepted but the kernel has not yet taken, in order.
 *
 * <p>The queue owns its buffers: {@link #add} copies, so callers may reuse theirs at once. Small
 * writes are packed into the last buffer while it has room, so a thousand 10-byte messages
 * become one gathering write, not a thousand iovecs. Loop thread only.
 */
public final class WriteQueue {
    /** The smallest buffer allocated for a copy; small writes share one. */
    private static final int CHUNK = 8 * 1024;

    private ByteBuffer[] buffers = new ByteBuffer[8];
    private int head;
    private int tail;
    private long size;

    public boolean isEmpty() {
        return size == 0;
    }

    /** Bytes queued. */
    public long size() {
        return size;
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
        ByteBuffer copy = ByteBuffer.allocate(Math.max(n, CHUNK));
        copy.put(src).flip();
        append(copy);
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
     * Records that the kernel took {@code n} bytes from the front. The backend has already
     * moved the buffers' positions past them (a gathering channel write does that); this drops
     * the finished buffers and updates the count.
     */
    public void consumed(long n) {
        size -= n;
        while (head < tail && !buffers[head].hasRemaining()) {
            buffers[head++] = null;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    /** Drops everything. */
    public void clear() {
        Arrays.fill(buffers, head, tail, null);
        head = tail = 0;
        size = 0;
    }
}
