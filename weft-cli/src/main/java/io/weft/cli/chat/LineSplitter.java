package io.weft.cli.chat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Cuts a byte stream into lines ending in LF or CRLF, holding at most one line of at most
 * {@code maxLine} bytes (not counting the line end).
 *
 * <p>A line found to be longer is reported once through {@link Sink#overlong()} as soon as that
 * is certain, and the rest of it, up to its LF, is skipped as it arrives, never buffered: an
 * endless line costs nothing. The buffer starts small and grows to {@code maxLine + 1} at most,
 * so a thousand quiet clients do not hold a thousand full-size buffers. Not thread-safe; one per
 * connection.
 */
final class LineSplitter {
    private static final int FIRST_CAPACITY = 128;

    /** Where lines go. */
    interface Sink {
        /** A whole line, without its LF or CRLF, in {@code bytes[0..length)}; lent for the call. */
        void line(byte[] bytes, int length);

        /** The line being received is over the limit; its bytes up to the next LF are dropped. */
        void overlong();
    }

    private final int maxLine;
    private byte[] buffer;
    private int length;
    private boolean skipping;

    LineSplitter(int maxLine) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
        }
        this.maxLine = maxLine;
        this.buffer = new byte[Math.min(FIRST_CAPACITY, maxLine + 1)];
    }

    /**
     * Consumes all of {@code data}, calling {@code sink} for each line it completes. Stops early,
     * leaving the rest unread, if {@code stop} is true after a call to the sink.
     */
    void feed(ByteBuffer data, Sink sink, BooleanSupplier stop) {
        while (data.hasRemaining() && !stop.getAsBoolean()) {
            if (skipping) {
                skipToLineEnd(data);
                continue;
            }
            byte b = data.get();
            if (b == '\n') {
                emit(sink);
            } else if (fits(b)) {
                append(b);
            } else {
                length = 0;
                skipping = true;
                sink.overlong();
            }
        }
    }

    /** The peer sent its last bytes: a last line without LF still counts. */
    void finish(Sink sink) {
        if (!skipping && length > 0) {
            emit(sink);
        }
        skipping = false;
    }

    /**
     * Whether {@code b} may join the line: up to {@code maxLine} bytes, plus one CR that may
     * turn out to be the CR of a CRLF.
     */
    private boolean fits(byte b) {
        if (length < maxLine) {
            return true;
        }
        return length == maxLine && b == '\r';
    }

    private void append(byte b) {
        if (length == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, maxLine + 1));
        }
        buffer[length++] = b;
    }

    private void emit(Sink sink) {
        int n = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
        length = 0;
        sink.line(buffer, n);
    }

    private void skipToLineEnd(ByteBuffer data) {
        int end = data.limit();
        for (int i = data.position(); i < end; i++) {
            if (data.get(i) == '\n') {
                data.position(i + 1);
                skipping = false;
                return;
            }
        }
        data.position(end);
    }
}
