package io.weft.file;

/**
 * How {@link AsyncFile#open} opens a file, as {@code open(2)}'s flags do. With none of
 * {@code READ}, {@code WRITE} and {@code APPEND} the file is opened for reading.
 */
public enum FileOption {
    /** Open for reading. */
    READ,
    /** Open for writing. */
    WRITE,
    /** Create the file if it does not exist (needs {@code WRITE} or {@code APPEND}). */
    CREATE,
    /** Create the file, failing with {@link PathExistsException} if it exists. */
    CREATE_NEW,
    /** Cut an existing file to length 0 on opening (needs {@code WRITE}). */
    TRUNCATE,
    /**
     * Every sequential write goes to the end of the file, wherever other writers left it
     * ({@code O_APPEND}). Implies {@code WRITE}.
     */
    APPEND,
    /**
     * Bypass the page cache ({@code O_DIRECT}) where the file system supports it; elsewhere
     * {@code open} fails with {@link FileException} saying so. Every read and write then needs
     * a direct buffer whose address, and a position and length that are multiples of
     * {@link AsyncFile#alignment()}; {@link AsyncFile#readAll()} takes care of that itself.
     */
    DIRECT
}
