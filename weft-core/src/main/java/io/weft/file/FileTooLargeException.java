package io.weft.file;

import java.nio.file.Path;

/**
 * The file does not fit where it was to go: it is larger than one buffer or array can hold
 * ({@link AsyncFile#readAll}), or larger than the file system allows (EFBIG). Nothing was read;
 * read a large file in parts with {@link AsyncFile#read(long, java.nio.ByteBuffer)}.
 */
public final class FileTooLargeException extends FileException {
    private final long size;
    private final long limit;

    /** {@code size} bytes do not fit in {@code limit}. */
    public FileTooLargeException(String call, Path path, long size, long limit) {
        super(call, path, size + " bytes do not fit in one buffer (at most " + limit
                + "); read it in parts with read(position, buffer)", null);
        this.size = size;
        this.limit = limit;
    }

    /** The file system refused to grow the file (EFBIG). */
    public FileTooLargeException(String call, Path path, Throwable cause) {
        super(call, path, "file too large", cause);
        this.size = -1;
        this.limit = -1;
    }

    /** The file's size, or -1 when the file system refused to grow it. */
    public long size() {
        return size;
    }

    /** The most that fits, or -1 when the file system refused to grow the file. */
    public long limit() {
        return limit;
    }
}
