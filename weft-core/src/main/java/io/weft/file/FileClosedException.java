package io.weft.file;

import java.nio.file.Path;

/** The {@link AsyncFile} was closed before this call, or while it waited to run. */
public final class FileClosedException extends FileException {
    public FileClosedException(String call, Path path, Throwable cause) {
        super(call, path, "the file is closed", cause);
    }
}
