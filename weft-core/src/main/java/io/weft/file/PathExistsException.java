package io.weft.file;

import java.nio.file.Path;

/** The path exists, and the call asked to create it (EEXIST): {@link FileOption#CREATE_NEW}, or {@code rename} onto a directory. */
public final class PathExistsException extends FileException {
    public PathExistsException(String call, Path path, Throwable cause) {
        super(call, path, "already exists", cause);
    }
}
