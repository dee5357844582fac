package io.weft.http.internal.parse;

import java.util.Arrays;

/**
 * Decodes a chunked body (RFC 9112 section 7.1) as it arrives, in pieces of any size down to
 * one byte: a state machine that hands each run of chunk data to a {@link Sink} as offsets into
 * the caller's buffer (no copy), checks chunk extensions against the grammar and then ignores
 * them, and keeps the trailer section (bounded) for {@link #trailers()}.
 *
 * <pre>
 *   SIZE -&gt; EXT* -&gt; SIZE_LF -&gt; DATA -&gt; DATA_CR -&gt; DATA_LF -&gt; SIZE ...
 *   SIZE "0" -&gt; EXT* -&gt; SIZE_LF -&gt; TRAILER -&gt; DONE
 * </pre>
 *
 * Errors are {@link ParseException}s with status 400 (bad framing or a chunk too large to be
 * real) or 431 (a chunk line's extensions or the trailer section above the limit). One decoder
 * per body; not thread-safe.
 */
public final class ChunkedDecoder {

    /** Where decoded bytes go. */
    public interface Sink {
        /** {@code b[off, off + len)} is chunk data; valid only during the call. */
        void data(byte[] b, int off, int len);
    }

    private enum State {
        SIZE_FIRST, SIZE, EXT, EXT_NEED_SEMI, EXT_BEFORE_NAME, EXT_NAME, EXT_AFTER_NAME, EXT_BEFORE_VALUE,
        EXT_TOKEN, EXT_QUOTED, EXT_QUOTED_ESCAPE, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, DONE
    }

    private static final int MAX_SIZE_DIGITS = 16;

    private final int maxLineBytes;
    private final int maxTrailerBytes;
    private State state = State.SIZE_FIRST;
    private long chunkRemaining;
    private int sizeDigits;
    private int lineBytes;
    private byte[] trailer = new byte[0];
    private int trailerLength;
    private Fields trailers;

    /**
     * @param maxLineBytes    bytes a chunk line's extensions may take
     * @param maxTrailerBytes bytes the trailer section may take
     */
    public ChunkedDecoder(int maxLineBytes, int maxTrailerBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxTrailerBytes = maxTrailerBytes;
    }

    /** Whether the last chunk and the trailer section have been read. */
    public boolean isDone() {
        return state == State.DONE;
    }

    /** The trailer fields, once {@link #isDone()}; empty when none were sent. */
    public Fields trailers() {
        return trailers;
    }

    /**
     * Decodes {@code b[p, end)}, handing data to {@code sink}.
     *
     * @return where decoding stopped: {@code end}, or just past the body once it is done (the
     *         bytes after it belong to the next message)
     */
    public int decode(byte[] b, int p, int end, Sink sink) throws ParseException {
        while (p < end) {
            switch (state) {
                case DATA -> {
                    int n = (int) Math.min(chunkRemaining, end - p);
                    sink.data(b, p, n);
                    p += n;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case TRAILER -> {
                    p = trailer(b, p, end);
                    if (state == State.DONE) {
                        return p;
                    }
                }
                case DONE -> {
                    return p;
                }
                default -> {
                    byte c = b[p++];
                    line(c);
                    if (state == State.DONE) {
                        return p;
                    }
                }
            }
        }
        return p;
    }

    /** One byte of a chunk line or of the CRLF after chunk data. */
    private void line(byte c) throws ParseException {
        int u = c & 0xff;
        boolean ws = c == ' ' || c == '\t';
        switch (state) {
            case SIZE_FIRST, SIZE -> {
                int h = Chars.HEX[u];
                if (h >= 0) {
                    if (++sizeDigits > MAX_SIZE_DIGITS || chunkRemaining > (Long.MAX_VALUE >> 4)) {
                        throw new ParseException(400, "a chunk size too large to be real");
                    }
                    chunkRemaining = (chunkRemaining << 4) | h;
                    state = State.SIZE;
                    return;
                }
                if (state == State.SIZE_FIRST) {
                    throw new ParseException(400, "a chunk line must start with a hex size; found " + FieldLines.hex(c));
                }
                lineBytes = 0;
                state = State.EXT;
                line(c);
            }
            case EXT -> {
                if (c == ';') {
                    state = State.EXT_BEFORE_NAME;
                } else if (ws) {
                    state = State.EXT_NEED_SEMI;
                } else if (c == '\r') {
                    state = State.SIZE_LF;
                } else {
                    throw bad("after the chunk size", c);
                }
            }
            case EXT_NEED_SEMI -> {
                countExt();
                if (c == ';') {
                    state = State.EXT_BEFORE_NAME;
                } else if (!ws) {
                    throw bad("whitespace in a chunk line not followed by \";\"", c);
                }
            }
            case EXT_BEFORE_NAME -> {
                countExt();
                if (Chars.TCHAR[u]) {
                    state = State.EXT_NAME;
                } else if (!ws) {
                    throw bad("a chunk extension name must be a token", c);
                }
            }
            case EXT_NAME -> {
                countExt();
                if (c == '=') {
                    state = State.EXT_BEFORE_VALUE;
                } else if (c == ';') {
                    state = State.EXT_BEFORE_NAME;
                } else if (c == '\r') {
                    state = State.SIZE_LF;
                } else if (ws) {
                    state = State.EXT_AFTER_NAME;
                } else if (!Chars.TCHAR[u]) {
                    throw bad("in a chunk extension name", c);
                }
            }
            case EXT_AFTER_NAME -> {
                countExt();
                if (c == '=') {
                    state = State.EXT_BEFORE_VALUE;
                } else if (c == ';') {
                    state = State.EXT_BEFORE_NAME;
                } else if (!ws) {
                    throw bad("after a chunk extension name", c);
                }
            }
            case EXT_BEFORE_VALUE -> {
                countExt();
                if (c == '"') {
                    state = State.EXT_QUOTED;
                } else if (Chars.TCHAR[u]) {
                    state = State.EXT_TOKEN;
                } else if (!ws) {
                    throw bad("a chunk extension value must be a token or a quoted string", c);
                }
            }
            case EXT_TOKEN -> {
                countExt();
                if (c == ';') {
                    state = State.EXT_BEFORE_NAME;
                } else if (c == '\r') {
                    state = State.SIZE_LF;
                } else if (ws) {
                    state = State.EXT_NEED_SEMI;
                } else if (!Chars.TCHAR[u]) {
                    throw bad("in a chunk extension value", c);
                }
            }
            case EXT_QUOTED -> {
                countExt();
                if (c == '"') {
                    state = State.EXT;
                } else if (c == '\\') {
                    state = State.EXT_QUOTED_ESCAPE;
                } else if (!(ws || u >= 0x21 && u != 0x7f)) {
                    throw bad("in a quoted chunk extension value", c);
                }
            }
            case EXT_QUOTED_ESCAPE -> {
                countExt();
                if (!(ws || u >= 0x21 && u != 0x7f)) {
                    throw bad("after a backslash in a quoted chunk extension value", c);
                }
                state = State.EXT_QUOTED;
            }
            case SIZE_LF -> {
                if (c != '\n') {
                    throw bad("a bare CR in a chunk line", c);
                }
                sizeDigits = 0;
                state = chunkRemaining == 0 ? State.TRAILER : State.DATA;
            }
            case DATA_CR -> {
                if (c != '\r') {
                    throw bad("chunk data longer than its size (expected CRLF)", c);
                }
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                if (c != '\n') {
                    throw bad("a bare CR after chunk data", c);
                }
                state = State.SIZE_FIRST;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void countExt() throws ParseException {
        if (++lineBytes > maxLineBytes) {
            throw new ParseException(431, "chunk extensions longer than " + maxLineBytes + " bytes");
        }
    }

    private static ParseException bad(String where, byte c) {
        return new ParseException(400, "bad chunked framing: " + FieldLines.hex(c) + " " + where);
    }

    /** Gathers the trailer section until its empty line, then parses it as field lines. */
    private int trailer(byte[] b, int p, int end) throws ParseException {
        while (p < end) {
            if (trailerLength == trailer.length) {
                if (trailerLength >= maxTrailerBytes + 2) {
                    throw new ParseException(431, "a trailer section larger than " + maxTrailerBytes + " bytes");
                }
                trailer = Arrays.copyOf(trailer, Math.min(maxTrailerBytes + 2, Math.max(64, trailerLength * 2)));
            }
            byte c = b[p++];
            trailer[trailerLength++] = c;
            int n = trailerLength;
            if (n == 2 && trailer[0] == '\r' && c != '\n') {
                throw new ParseException(400, "a bare CR after the last chunk");
            }
            if (c == '\n') {
                // Each line end: parse what is here, so that a bad line fails now, not at the limit.
                Fields fields = new Fields();
                fields.clear(trailer);
                int after = FieldLines.parse(trailer, 0, n, 0, Integer.MAX_VALUE, maxTrailerBytes, fields);
                if (after == n) {
                    trailers = fields;
                    state = State.DONE;
                    return p;
                }
            }
        }
        return p;
    }
}
