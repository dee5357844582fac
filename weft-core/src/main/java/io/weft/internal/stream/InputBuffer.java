package io.weft.internal.stream;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bytes received but not yet read, in order: one array holding {@code [start, end)}.
 *
 * <p>Offsets in the methods are relative to the first unread byte. The array grows by doubling
 * when an append does not fit; once past {@link #KEEP} it shrinks when less than a quarter of
 * it is in use, and is dropped when the buffer empties: one long line must not pin a large
 * array to an idle connection for ever. So the array is never larger than
 * {@code max(KEEP, 4 * size())}. Loop thread only.
 */
public final class InputBuffer {
    private static final byte[] EMPTY = new byte[0];
    /** The smallest array allocated. */
    private static final int MIN = 4 * 1024;
    /** Arrays up to this size are kept when the buffer empties; larger ones are let go. */
    static final int KEEP = 16 * 1024;

    private byte[] bytes = EMPTY;
    private int start;
    private int end;

    /** Bytes buffered. */
    public int size() {
        return end - start;
    }

    public boolean isEmpty() {
        return end == start;
    }

    /** The array's length: what the buffer holds on to, used or not. */
    public int capacity() {
        return bytes.length;
    }

    /** Copies {@code src}'s remaining bytes in; its position moves to its limit. */
    public void append(ByteBuffer src) {
        int n = src.remaining();
        if (bytes.length - end < n) {
            makeRoom(n);
        }
        src.get(bytes, end, n);
        end += n;
    }

    private void makeRoom(int n) {
        int size = size();
        long need = (long) size + n;
        if (need > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("stream buffer would exceed 2 GiB");
        }
        if (need <= bytes.length) {
            // Enough room once the read bytes at the front are dropped: move rather than grow,
            // so the array stays within what the reader's limit lets it hold.
            System.arraycopy(bytes, start, bytes, 0, size);
        } else {
            int cap = (int) Math.max(need, Math.max(MIN, Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8)));
            bytes = Arrays.copyOfRange(bytes, start, start + cap);
        }
        start = 0;
        end = size;
    }

    /** The byte at {@code offset}. */
    public byte get(int offset) {
        return bytes[start + offset];
    }

    /**
     * Where {@code separator} first occurs starting at or after {@code from}, or -1. Only whole
     * occurrences inside the buffer count.
     */
    public int indexOf(byte[] separator, int from) {
        byte first = separator[0];
        int lastStart = end - separator.length;
        outer:
        for (int i = start + Math.max(0, from); i <= lastStart; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < separator.length; j++) {
                if (bytes[i + j] != separator[j]) {
                    continue outer;
                }
            }
            return i - start;
        }
        return -1;
    }

    /** A fresh copy of the first {@code n} bytes; nothing is consumed. */
    public byte[] copy(int n) {
        if (n > size()) {
            throw new IndexOutOfBoundsException(n + " > " + size());
        }
        return Arrays.copyOfRange(bytes, start, start + n);
    }

    /** Copies the first {@code n} bytes into {@code dst} (its position moves); nothing is consumed. */
    public void copyTo(ByteBuffer dst, int n) {
        if (n > size()) {
            throw new IndexOutOfBoundsException(n + " > " + size());
        }
        dst.put(bytes, start, n);
    }

    /** Lets go of the array if nothing is buffered (a reader that reads into its caller's memory needs none). */
    public void releaseIfEmpty() {
        if (isEmpty()) {
            bytes = EMPTY;
            start = end = 0;
        }
    }

    /** Drops the first {@code n} bytes. */
    public void discard(int n) {
        if (n > size()) {
            throw new IndexOutOfBoundsException(n + " > " + size());
        }
        start += n;
        int size = size();
        if (size == 0) {
            start = end = 0;
            if (bytes.length > KEEP) {
                bytes = EMPTY;
            }
        } else if (bytes.length > KEEP && size < bytes.length / 4) {
            // Mostly read: move the rest to a smaller array so memory follows what is held.
            // Each move at least halves the array, so the copying stays linear overall.
            bytes = Arrays.copyOfRange(bytes, start, start + Math.max(MIN, 2 * size));
            start = 0;
            end = size;
        }
    }
}
