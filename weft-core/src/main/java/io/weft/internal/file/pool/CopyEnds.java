package io.weft.internal.file.pool;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The two open files of one copy ({@link PoolCopy}), each at its own offset: the source's next
 * byte to read and the target's next byte to write, which every step advances together.
 *
 * <p>Threading: the one pool thread that runs the copy's task.
 */
interface CopyEnds {
    /**
     * Copies up to {@code max} bytes, in bounded calls, asking {@code stop} between them and
     * returning early if it says so. Returns the bytes copied: fewer than {@code max} without
     * {@code stop} means the source ended.
     *
     * @throws IOException a {@link io.weft.file.FileException} naming the path at fault
     */
    long step(long max, BooleanSupplier stop) throws IOException;

    /** Closes both files and frees any buffer; safe to call once, after the last step. */
    void close();
}
