package io.weft.internal.net.tls;

import java.nio.ByteBuffer;

/**
 * A connection's ciphertext that arrived but could not be decrypted yet: the start of a record
 * cut off at the end of a read, or everything read while the application paused reading.
 *
 * <p>Why it exists: the transport lends its read buffer only for one {@code dataReceived}
 * call, and TLS records (up to ~16 KiB) cross read boundaries all the time. Copying is kept to
 * the cut record: when a read completes it, the stash is topped up from the read, decrypted,
 * and whatever is left that came from the read is handed back to it ({@link #settle}), so
 * the rest of the read is decrypted in place. The buffer is dropped when empty at the end of a
 * read (see {@link #releaseIfEmpty}), so an idle connection holds none. Loop thread only.
 *
 * <p>Layout: bytes in {@code [0, position)} while at rest; flipped for reading between
 * {@link #fill}/{@link #readable} and {@link #settle}/{@link #compact}.
 */
final class Stash {
    private ByteBuffer buf;
    /** Bytes {@link #fill} took from the read, to hand back in {@link #settle}. */
    private int taken;

    boolean isEmpty() {
        return buf == null || buf.position() == 0;
    }

    int size() {
        return buf == null ? 0 : buf.position();
    }

    /**
     * Appends as much of {@code data} as fits (growing to {@code recordSize} first, so one whole
     * record always fits) and returns the stash flipped for reading. Must be followed by
     * {@link #settle}.
     */
    ByteBuffer fill(ByteBuffer data, int recordSize) {
        ensure(recordSize);
        if (buf.remaining() == 0) {
            // Holds more than one record's worth (kept while paused) and none of it decrypted
            // yet: make room rather than spin.
            ensure(buf.capacity() * 2);
        }
        taken = Math.min(buf.remaining(), data.remaining());
        buf.put(buf.position(), data, data.position(), taken);
        buf.position(buf.position() + taken);
        data.position(data.position() + taken);
        return buf.flip();
    }

    /**
     * After reading from what {@link #fill} returned: if all that is left came from
     * {@code data}, gives it back to {@code data} (moves its position back) and empties the
     * stash; otherwise keeps the rest.
     */
    void settle(ByteBuffer data) {
        int left = buf.remaining();
        if (left <= taken) {
            data.position(data.position() - left);
            buf.clear();
        } else {
            buf.compact();
        }
        taken = 0;
    }

    /** The stash flipped for reading; follow with {@link #compact}. */
    ByteBuffer readable() {
        return buf.flip();
    }

    void compact() {
        buf.compact();
    }

    /** Keeps all of {@code data}'s remaining bytes, after those already here. */
    void keep(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        ensure(size() + n);
        buf.put(data);
    }

    /** Lets go of the buffer if it holds nothing. */
    void releaseIfEmpty() {
        if (buf != null && buf.position() == 0) {
            buf = null;
        }
    }

    void clear() {
        buf = null;
        taken = 0;
    }

    private void ensure(int capacity) {
        if (buf == null) {
            buf = ByteBuffer.allocate(capacity);
        } else if (buf.capacity() < capacity) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, buf.capacity() + buf.capacity() / 2));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }
}
