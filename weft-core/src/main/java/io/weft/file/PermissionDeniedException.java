package io.weft.file;

import java.nio.file.Path;

/** The process may not do this to the path (EACCES, EPERM). */
public final class PermissionDeniedException extends FileException {
    public PermissionDeniedException(String call, Path path, Throwable cause) {
        super(call, path, "permission denied", cause);
    }
}
