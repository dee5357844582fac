package io.weft.file;

import java.nio.file.Path;

/** The path, or a directory on the way to it, does not exist (ENOENT). */
public final class NoSuchPathException extends FileException {
    public NoSuchPathException(String call, Path path, Throwable cause) {
        super(call, path, "no such file or directory", cause);
    }
}
