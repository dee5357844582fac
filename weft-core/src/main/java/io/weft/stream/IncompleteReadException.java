package io.weft.stream;

import java.io.EOFException;
import java.util.OptionalInt;

/**
 * The stream ended (the peer sent EOF) before a read got what it asked for: fewer than
 * {@code n} bytes for {@link StreamReader#readExactly}, no separator for
 * {@link StreamReader#readUntil}. The bytes that did arrive are taken out of the reader and
 * carried here, so nothing received is lost.
 */
public final class IncompleteReadException extends EOFException {
    private final byte[] partial;
    private final int expected;

    /**
     * @param partial  the bytes read before EOF; the exception keeps this array
     * @param expected the byte count asked for, or -1 when reading up to a separator
     */
    public IncompleteReadException(byte[] partial, int expected) {
        super(partial.length + " bytes read before EOF, "
                + (expected < 0 ? "separator not found" : expected + " expected"));
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes that arrived before EOF. The array belongs to the caller (not shared with the reader). */
    public byte[] partial() {
        return partial;
    }

    /** The byte count asked for, or empty when the read was looking for a separator. */
    public OptionalInt expected() {
        return expected < 0 ? OptionalInt.empty() : OptionalInt.of(expected);
    }
}
