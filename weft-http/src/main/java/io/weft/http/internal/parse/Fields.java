package io.weft.http.internal.parse;

import java.nio.charset.StandardCharsets;

/**
 * A message's field lines as offsets into the buffer they were parsed from: for field
 * {@code i}, the name is {@code buf[nameStart(i), nameEnd(i))} and the value, without its
 * surrounding whitespace, {@code buf[valueStart(i), valueEnd(i))}. Nothing is copied; the
 * offsets are valid as long as the buffer's bytes are. Reused: {@link #clear} keeps the array.
 */
public final class Fields {
    private byte[] buf;
    private int[] offsets = new int[4 * 16];
    private int count;

    void clear(byte[] buffer) {
        this.buf = buffer;
        count = 0;
    }

    void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int i = count * 4;
        if (i == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[i] = nameStart;
        offsets[i + 1] = nameEnd;
        offsets[i + 2] = valueStart;
        offsets[i + 3] = valueEnd;
        count++;
    }

    /** The buffer the offsets point into. */
    public byte[] buffer() {
        return buf;
    }

    public int count() {
        return count;
    }

    public int nameStart(int i) {
        return offsets[i * 4];
    }

    public int nameEnd(int i) {
        return offsets[i * 4 + 1];
    }

    public int valueStart(int i) {
        return offsets[i * 4 + 2];
    }

    public int valueEnd(int i) {
        return offsets[i * 4 + 3];
    }

    /** Field {@code i}'s name, as sent (ISO-8859-1). Allocates. */
    public String name(int i) {
        return new String(buf, nameStart(i), nameEnd(i) - nameStart(i), StandardCharsets.ISO_8859_1);
    }

    /** Field {@code i}'s value (ISO-8859-1, so obs-text survives byte for byte). Allocates. */
    public String value(int i) {
        return new String(buf, valueStart(i), valueEnd(i) - valueStart(i), StandardCharsets.ISO_8859_1);
    }

    /** Whether field {@code i}'s name is {@code lowerName} (given in lower case), ignoring case. */
    public boolean nameIs(int i, byte[] lowerName) {
        return Chars.equalsLower(buf, nameStart(i), nameEnd(i), lowerName);
    }

    /** The first value of the field named {@code lowerName}, or null. */
    public String first(byte[] lowerName) {
        for (int i = 0; i < count; i++) {
            if (nameIs(i, lowerName)) {
                return value(i);
            }
        }
        return null;
    }

    /** A copy whose offsets point into a fresh array holding only {@code buf[from, to)}. */
    public Fields copy(int from, int to) {
        Fields c = new Fields();
        c.buf = java.util.Arrays.copyOfRange(buf, from, to);
        c.offsets = new int[Math.max(4, count * 4)];
        for (int i = 0; i < count * 4; i++) {
            c.offsets[i] = offsets[i] - from;
        }
        c.count = count;
        return c;
    }
}
