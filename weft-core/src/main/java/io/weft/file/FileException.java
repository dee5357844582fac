package io.weft.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file operation failed. The message names the call and the path, then the reason, as in
 * {@code "open /data/x: no such file or directory"}. Subclasses name the common causes; a failure
 * with no class of its own is a plain {@code FileException} whose cause is the JDK's exception.
 */
public class FileException extends IOException {
    private final String call;
    private final transient Path path;

    public FileException(String call, Path path, String reason, Throwable cause) {
        super(call + " " + path + ": " + reason, cause);
        this.call = call;
        this.path = path;
    }

    /** The operation that failed: {@code open}, {@code read}, {@code write}, {@code stat}, ... */
    public String call() {
        return call;
    }

    /** The file the operation was on (for {@code rename}, its source). */
    public Path path() {
        return path;
    }
}
