package io.weft.file;

import java.nio.file.Path;

/** The file system is full, or the user's quota is used up (ENOSPC, EDQUOT); nothing was lost but the bytes this write did not place. */
public final class NoSpaceLeftException extends FileException {
    public NoSpaceLeftException(String call, Path path, Throwable cause) {
        super(call, path, "no space left on device", cause);
    }
}
