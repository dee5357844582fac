package io.weft.file;

import java.nio.file.Path;

/** A directory to delete, or to rename over, still has entries (ENOTEMPTY). */
public final class NonEmptyDirectoryException extends FileException {
    public NonEmptyDirectoryException(String call, Path path, Throwable cause) {
        super(call, path, "directory not empty", cause);
    }
}
