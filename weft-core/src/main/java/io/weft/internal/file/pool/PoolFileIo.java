package io.weft.internal.file.pool;

import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.file.IsADirectoryException;
import io.weft.future.Promise;
import io.weft.internal.file.FileErrors;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.FreshBuffer;
import io.weft.internal.file.FileIo;
import io.weft.internal.file.NativeBuffers;
import io.weft.internal.offload.OffloadPool;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@link FileIo} on the offload pool: each operation one blocking call on a pool thread. File
 * operations are submitted as not interruptible (an interrupt would close the channel, and with
 * it the file for every other operation); a cancelled operation is stopped instead by its
 * {@link io.weft.internal.file.StopSignal}, before it starts or between the pieces of a large
 * write.
 */
public final class PoolFileIo implements FileIo {
    public static final PoolFileIo INSTANCE = new PoolFileIo();

    private PoolFileIo() {
    }

    /** Runs {@code call} on {@code path} as one pool task, its failure typed by {@link FileErrors}. */
    static <T> Promise<T> run(EventLoop loop, String call, Path path, Callable<T> work) {
        return run(loop, call, path, work, null);
    }

    static <T> Promise<T> run(EventLoop loop, String call, Path path, Callable<T> work,
            java.util.function.Consumer<? super T> discard) {
        return OffloadPool.forLoop(loop).submit(loop, () -> {
            try {
                return work.call();
            } catch (java.util.concurrent.CancellationException stopped) {
                throw stopped; // a StopSignal was seen: not a file failure
            } catch (IOException | RuntimeException e) {
                throw FileErrors.translate(call, path, e);
            }
        }, false, discard);
    }

    @Override
    public Promise<FileHandle> open(EventLoop loop, Path path, Set<FileOption> options) {
        Set<OpenOption> jdk = new HashSet<>();
        boolean direct = false;
        for (FileOption o : options) {
            switch (o) {
                case READ -> jdk.add(StandardOpenOption.READ);
                case WRITE -> jdk.add(StandardOpenOption.WRITE);
                case CREATE -> jdk.add(StandardOpenOption.CREATE);
                case CREATE_NEW -> jdk.add(StandardOpenOption.CREATE_NEW);
                case TRUNCATE -> jdk.add(StandardOpenOption.TRUNCATE_EXISTING);
                case APPEND -> {
                    jdk.add(StandardOpenOption.APPEND);
                    jdk.add(StandardOpenOption.WRITE);
                }
                case DIRECT -> direct = true;
            }
        }
        if (!jdk.contains(StandardOpenOption.WRITE)) {
            jdk.add(StandardOpenOption.READ);
        }
        if (direct) {
            jdk.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        boolean isDirect = direct;
        return run(loop, "open", path, () -> {
            FileChannel ch = FileChannel.open(path, jdk);
            try {
                // Linux lets a directory be opened for reading; every read would then fail. Say so now.
                if (Files.isDirectory(path)) {
                    throw new IsADirectoryException("open", path, null);
                }
                int alignment = isDirect ? (int) Files.getFileStore(path).getBlockSize() : 1;
                return new PoolFileHandle(loop, path, ch, alignment);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }, handle -> ((PoolFileHandle) handle).closeNow());
    }

    @Override
    public Promise<FileStat> stat(EventLoop loop, Path path, boolean followLinks) {
        return run(loop, "stat", path, () -> statNow(path, followLinks));
    }

    /** {@code stat}/{@code lstat} on the calling thread (a pool thread). */
    static FileStat statNow(Path path, boolean followLinks) throws IOException {
        LinkOption[] links = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, links);
        FileStat.Type type = a.isRegularFile() ? FileStat.Type.FILE
                : a.isDirectory() ? FileStat.Type.DIRECTORY
                : a.isSymbolicLink() ? FileStat.Type.SYMBOLIC_LINK : FileStat.Type.OTHER;
        return new FileStat(path, type, a.size(), a.lastModifiedTime().toInstant());
    }

    @Override
    public Promise<List<FileStat>> listStats(EventLoop loop, Path directory) {
        return list(loop, directory).flatMap(paths -> StatBatches.start(loop, directory, paths));
    }

    @Override
    public Promise<List<Path>> list(EventLoop loop, Path directory) {
        return run(loop, "list", directory, () -> {
            List<Path> out = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path p : entries) {
                    out.add(p);
                }
            }
            return List.copyOf(out);
        });
    }

    @Override
    public Promise<Void> delete(EventLoop loop, Path path) {
        return run(loop, "delete", path, () -> {
            Files.delete(path);
            return null;
        });
    }

    @Override
    public Promise<Void> rename(EventLoop loop, Path from, Path to) {
        return run(loop, "rename", from, () -> {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return null;
        });
    }

    @Override
    public Promise<Void> mkdirs(EventLoop loop, Path directory) {
        return run(loop, "mkdirs", directory, () -> {
            Files.createDirectories(directory);
            return null;
        });
    }

    @Override
    public Promise<Long> copy(EventLoop loop, Path source, Path target, java.util.function.LongConsumer progress) {
        return PoolCopy.start(loop, source, target, progress);
    }

    @Override
    public Promise<FreshBuffer> allocate(EventLoop loop, int capacity, int alignment) {
        return OffloadPool.forLoop(loop).submit(loop, () -> NativeBuffers.allocate(capacity, alignment), false,
                FreshBuffer::free);
    }
}
