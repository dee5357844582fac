package io.weft.green;

import io.weft.file.AsyncFile;
import io.weft.file.FileOption;
import io.weft.file.FileStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * A file for green threads: the calls of {@link AsyncFile} made blocking-style, each parking
 * only the calling green thread while the work runs off the loop. Errors are the same typed
 * {@link io.weft.file.FileException}s. Cancelling the green thread makes a parked call throw
 * {@link CancellationException}; the operation itself may still run to its end, and its buffer
 * stays lent until {@link #close()} has returned (close waits for every operation started).
 *
 * <p>Use it only in a green thread of the loop it was opened on; it is not thread-safe.
 */
public final class GreenFile implements AutoCloseable {
    private final AsyncFile file;

    private GreenFile(AsyncFile file) {
        this.file = file;
    }

    /** Opens {@code path} on the calling green thread's loop; with no options, for reading. */
    public static GreenFile open(Path path, FileOption... options) throws IOException {
        return new GreenFile(GreenSocket.await(AsyncFile.open(Green.loop(), path, options)));
    }

    public static GreenFile open(Path path, Set<FileOption> options) throws IOException {
        return new GreenFile(GreenSocket.await(AsyncFile.open(Green.loop(), path, options)));
    }

    /** The whole contents of {@code path} as bytes: open, {@link #readAllBytes()}, close. */
    public static byte[] readAllBytes(Path path) throws IOException {
        try (GreenFile f = open(path)) {
            return f.readAllBytes();
        }
    }

    public static FileStat stat(Path path) throws IOException {
        return GreenSocket.await(AsyncFile.stat(Green.loop(), path));
    }

    public static List<Path> list(Path directory) throws IOException {
        return GreenSocket.await(AsyncFile.list(Green.loop(), directory));
    }

    /** {@link AsyncFile#listStats}: the entries of {@code directory} with lstat's answer for each. */
    public static List<FileStat> listStats(Path directory) throws IOException {
        return GreenSocket.await(AsyncFile.listStats(Green.loop(), directory));
    }

    /** {@link AsyncFile#copy}: copies {@code source} to {@code target} (created or truncated); the bytes copied. */
    public static long copy(Path source, Path target) throws IOException {
        return GreenSocket.await(AsyncFile.copy(Green.loop(), source, target));
    }

    public static void delete(Path path) throws IOException {
        GreenSocket.await(AsyncFile.delete(Green.loop(), path));
    }

    public static void rename(Path from, Path to) throws IOException {
        GreenSocket.await(AsyncFile.rename(Green.loop(), from, to));
    }

    public static void mkdirs(Path directory) throws IOException {
        GreenSocket.await(AsyncFile.mkdirs(Green.loop(), directory));
    }

    /** The asynchronous file underneath, for calls made from callbacks. */
    public AsyncFile asyncFile() {
        return file;
    }

    /** Reads into {@code dst} at {@code position}; -1 at the end. */
    public int read(long position, ByteBuffer dst) throws IOException {
        return GreenSocket.await(file.read(position, dst));
    }

    /** Reads into {@code dst} at the file's offset; -1 at the end. */
    public int read(ByteBuffer dst) throws IOException {
        return GreenSocket.await(file.read(dst));
    }

    public int write(long position, ByteBuffer src) throws IOException {
        return GreenSocket.await(file.write(position, src));
    }

    public int write(ByteBuffer src) throws IOException {
        return GreenSocket.await(file.write(src));
    }

    /** See {@link AsyncFile#readAll()}. */
    public ByteBuffer readAll() throws IOException {
        return GreenSocket.await(file.readAll());
    }

    public byte[] readAllBytes() throws IOException {
        return GreenSocket.await(file.readAllBytes());
    }

    public long size() throws IOException {
        return GreenSocket.await(file.size());
    }

    public void truncate(long size) throws IOException {
        GreenSocket.await(file.truncate(size));
    }

    /** {@code fsync} with {@code metadata}, else {@code fdatasync}. */
    public void force(boolean metadata) throws IOException {
        GreenSocket.await(file.force(metadata));
    }

    public Path path() {
        return file.path();
    }

    /** Closes once every operation started has ended. Shielded from cancellation: a cancelled
     *  thread's {@code try}-with-resources still closes the file, without waiting for it. */
    @Override
    public void close() throws IOException {
        // A promise of our own: awaiting cancels what it waits for when the thread is cancelled,
        // and the file's close promise is shared by every caller.
        io.weft.future.Promise<Void> closing = file.loop().newPromise();
        file.close().whenComplete((v, e) -> {
            if (e != null) {
                closing.fail(e);
            } else {
                closing.complete(null);
            }
        });
        try {
            GreenSocket.await(closing);
        } catch (CancellationException e) {
            // the close goes on without us; the descriptor is released when the operations end
        }
    }
}
