package io.weft.file;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What {@link AsyncFile#stat} found at a path ({@code stat(2)}, following symbolic links unless
 * asked not to).
 *
 * @param path         the path asked about
 * @param type         regular file, directory, symbolic link (only when not following) or other
 * @param size         bytes, for a regular file; otherwise what the file system says
 * @param lastModified the last modification time
 */
public record FileStat(Path path, Type type, long size, Instant lastModified) {

    /** The kind of thing at a path. */
    public enum Type { FILE, DIRECTORY, SYMBOLIC_LINK, OTHER }

    public boolean isFile() {
        return type == Type.FILE;
    }

    public boolean isDirectory() {
        return type == Type.DIRECTORY;
    }
}
