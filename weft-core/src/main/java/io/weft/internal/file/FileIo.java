package io.weft.internal.file;

import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A file backend: operations on paths, and opening the {@link FileHandle}s that operate on one
 * file. Every operation returns a promise of the given loop that fails with a
 * {@link io.weft.file.FileException} naming the call and the path ({@link FileErrors}).
 *
 * <p>Completion-shaped, so that a thread pool ({@code pool.PoolFileIo}) and a ring
 * ({@code uring.UringFileIo}) can both implement it: the buffer of a read or write belongs to the
 * backend from the call until its promise settles, and cancelling the promise does not shorten
 * that (the operation may still be running; only closing the handle waits it out).
 *
 * <p>Threads: any thread may call; callbacks run on the loop.
 */
public interface FileIo {

    Promise<FileHandle> open(EventLoop loop, Path path, Set<FileOption> options);

    Promise<FileStat> stat(EventLoop loop, Path path, boolean followLinks);

    /** The entries of a directory, without {@code .} and {@code ..}, in the directory's order. */
    Promise<List<Path>> list(EventLoop loop, Path directory);

    /**
     * The entries of a directory with what {@code lstat} says of each, in the directory's order,
     * made in batches so that the loop hears one completion per batch; entries deleted between
     * the listing and their stat are left out.
     */
    Promise<List<FileStat>> listStats(EventLoop loop, Path directory);

    /** Deletes a file, a symbolic link or an empty directory. */
    Promise<Void> delete(EventLoop loop, Path path);

    /** Renames atomically, replacing a file at {@code to} ({@code rename(2)}). */
    Promise<Void> rename(EventLoop loop, Path from, Path to);

    /** Creates a directory and the missing ones above it; done if it exists. */
    Promise<Void> mkdirs(EventLoop loop, Path directory);

    /**
     * Copies the file at {@code source} to {@code target} (created, or truncated), inside the
     * kernel where it can; the promise gives the bytes copied and settles once both files are
     * closed. {@code progress}, if not null, hears the bytes copied so far, on the loop.
     * Cancelling the promise stops the copy soon (see {@code AsyncFile.copy}).
     */
    Promise<Long> copy(EventLoop loop, Path source, Path target, java.util.function.LongConsumer progress);

    /**
     * A new buffer of {@code capacity} bytes whose address is a multiple of {@code alignment},
     * for one whole-file read, allocated off the loop: zeroing a large buffer takes long enough
     * to stall the loop (a 1 GiB buffer, a tenth of a second and more).
     */
    Promise<FreshBuffer> allocate(EventLoop loop, int capacity, int alignment);

    /**
     * A new zeroed array of {@code length} bytes for one whole-file read into an array, made off
     * the loop for the same reason as {@link #allocate} (on the offload pool, unless a backend
     * has no other threads: the simulated one makes it on the loop).
     */
    default Promise<byte[]> newArray(EventLoop loop, int length) {
        return loop.offload(() -> new byte[length]);
    }
}
