package io.weft.internal.file;

import io.weft.future.Promise;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One open file of a {@link FileIo} backend. Each call is one operation on the file; calls may
 * overlap (positional reads and writes run in parallel), and their promises belong to the loop
 * the file was opened on.
 *
 * <p>A read or write's buffer belongs to the backend until the promise settles. {@link #close()}
 * must only be called once every other operation has settled ({@code AsyncFile} waits for them).
 */
public interface FileHandle {
    /** Position argument meaning "at the descriptor's own offset" (sequential; at the end with append). */
    long CURRENT = -1;

    /**
     * The most bytes one write call of a backend is given: a cancelled large write stops within
     * one piece (a few milliseconds into the page cache), on the pool and on the ring alike.
     */
    int WRITE_PIECE = 8 << 20;

    Path path();

    /** The address, position and length multiple I/O needs: the block size with O_DIRECT, else 1. */
    int alignment();

    /** Bytes per positional read of a whole-file read ({@link ChunkedRead}); each backend's measured best. */
    default int readChunk() {
        return ChunkedRead.DEFAULT_CHUNK;
    }

    /** Positional reads in flight at once in a whole-file read. */
    default int readDepth() {
        return ChunkedRead.DEFAULT_DEPTH;
    }

    /**
     * Reads into {@code dst} at {@code position} (or {@link #CURRENT}); -1 at end of file. If
     * {@code stop} is set before the read starts, it does not start and the promise fails with
     * {@link java.util.concurrent.CancellationException}; a backend that can cancel a read in
     * the kernel does so when {@code stop} is set later, and fails the promise the same way if
     * the kernel cancelled it (only once the kernel is done with {@code dst}).
     */
    Promise<Integer> read(long position, ByteBuffer dst, StopSignal stop);

    /**
     * Writes every remaining byte of {@code src} at {@code position} (or {@link #CURRENT}), in
     * pieces; if {@code stop} is set, no further piece starts and the promise fails with
     * {@link java.util.concurrent.CancellationException} (the pieces written stay written).
     */
    Promise<Integer> write(long position, ByteBuffer src, StopSignal stop);

    /**
     * Copies up to {@code count} bytes from {@code position} of this file to {@code target} at
     * its own offset, inside the kernel where it can ({@code copy_file_range}), no bytes through
     * user space; fewer at the end of this file. {@code target} is a handle of the same backend.
     */
    Promise<Long> transferTo(long position, long count, FileHandle target);

    Promise<Long> size();

    Promise<Void> truncate(long size);

    /** {@code fsync} with {@code metadata}, else {@code fdatasync}. */
    Promise<Void> force(boolean metadata);

    Promise<Void> close();
}
