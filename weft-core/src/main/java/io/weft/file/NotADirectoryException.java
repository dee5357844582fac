package io.weft.file;

import java.nio.file.Path;

/** A directory was expected, and a file was found (ENOTDIR): in {@code list}, or on the way to the path. */
public final class NotADirectoryException extends FileException {
    public NotADirectoryException(String call, Path path, Throwable cause) {
        super(call, path, "not a directory", cause);
    }
}
