package io.weft.proxy.internal.http;

import io.weft.http.internal.parse.ChunkedDecoder;
import io.weft.http.internal.parse.ParseException;
import java.nio.ByteBuffer;

/**
 * Where a message body ends, for forwarding it as it came (a chunked body stays chunked): a
 * count of bytes for Content-Length, the chunked decoder's state for chunked, or the end of the
 * connection. Loop thread; one per body.
 */
final class BodyFrame {
    private static final ChunkedDecoder.Sink IGNORE = (b, off, len) -> { };

    private final ChunkedDecoder chunks;
    private final boolean untilClose;
    private long remaining;
    private byte[] scratch;

    private BodyFrame(ChunkedDecoder chunks, long length, boolean untilClose) {
        this.chunks = chunks;
        this.remaining = length;
        this.untilClose = untilClose;
    }

    static BodyFrame none() {
        return new BodyFrame(null, 0, false);
    }

    static BodyFrame length(long n) {
        return new BodyFrame(null, n, false);
    }

    static BodyFrame chunked() {
        return new BodyFrame(new ChunkedDecoder(4096, 16384), 0, false);
    }

    static BodyFrame toTheEnd() {
        return new BodyFrame(null, 0, true);
    }

    boolean endsAtClose() {
        return untilClose;
    }

    boolean done() {
        return chunks != null ? chunks.isDone() : !untilClose && remaining == 0;
    }

    /** How many of {@code b[off, off + len)} belong to this body; they count as consumed. */
    int take(byte[] b, int off, int len) throws ParseException {
        if (untilClose) {
            return len;
        }
        if (chunks != null) {
            return chunks.isDone() ? 0 : chunks.decode(b, off, off + len, IGNORE) - off;
        }
        int n = (int) Math.min(remaining, len);
        remaining -= n;
        return n;
    }

    /** The same for {@code data}'s remaining bytes; its position does not move. */
    int take(ByteBuffer data) throws ParseException {
        if (data.hasArray()) {
            return take(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        if (chunks == null) {
            return take(null, 0, data.remaining());
        }
        int n = data.remaining();
        if (scratch == null || scratch.length < n) {
            scratch = new byte[Math.max(n, 8192)];
        }
        data.get(data.position(), scratch, 0, n);
        return take(scratch, 0, n);
    }
}
