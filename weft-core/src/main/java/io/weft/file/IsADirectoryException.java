package io.weft.file;

import java.nio.file.Path;

/** A file operation was asked of a directory (EISDIR): open it with {@link AsyncFile#list} instead. */
public final class IsADirectoryException extends FileException {
    public IsADirectoryException(String call, Path path, Throwable cause) {
        super(call, path, "is a directory", cause);
    }
}
