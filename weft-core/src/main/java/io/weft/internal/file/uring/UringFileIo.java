package io.weft.internal.file.uring;

import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.file.IsADirectoryException;
import io.weft.future.Promise;
import io.weft.internal.file.FileErrors;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.FileIo;
import io.weft.internal.file.FreshBuffer;
import io.weft.internal.file.pool.PoolFileIo;
import io.weft.internal.io.completion.uring.UringFiles;
import io.weft.internal.sys.FileSys;
import io.weft.loop.EventLoop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * {@link FileIo} on a loop's io_uring ring: open is OPENAT then STATX of the new descriptor (a
 * directory is refused, O_DIRECT's alignment is read), {@code stat} is STATX of the path, and
 * {@link #listStats} lists on the offload pool and stats every entry through the ring. Listing,
 * delete, rename, mkdirs, whole-file copy and buffer allocation stay on the offload pool
 * ({@link PoolFileIo}): the ring's UNLINKAT/RENAMEAT/MKDIRAT are newer than the opcodes probed
 * here and directory reads have no opcode at all.
 *
 * <p>Any thread may call; what touches the ring is handed to the loop's thread first.
 */
public final class UringFileIo implements FileIo {
    private final UringFiles ring;

    public UringFileIo(UringFiles ring) {
        this.ring = ring;
    }

    /** Runs {@code r} on the ring's loop thread: now if this is it, else as the loop's next task. */
    static void onLoop(EventLoop loop, Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    /** A NUL-terminated native copy of {@code path}'s name, in {@code a}; "." for the empty path (the JDK's meaning). */
    static MemorySegment name(Arena a, Path path) {
        String s = path.toString();
        return a.allocateFrom(s.isEmpty() ? "." : s);
    }

    @Override
    public Promise<FileHandle> open(EventLoop loop, Path path, Set<FileOption> options) {
        int flags = openFlags(options);
        boolean direct = options.contains(FileOption.DIRECT);
        Promise<FileHandle> p = loop.newPromise();
        onLoop(loop, () -> {
            Arena a = Arena.ofConfined();
            ring.openat(name(a, path), flags, FileSys.MODE_0666, a, fd -> {
                if (fd < 0) {
                    p.fail(FileErrors.fromErrno("open", path, "openat", -fd));
                } else {
                    inspect(loop, path, fd, direct, p);
                }
            });
        });
        return p;
    }

    /** What was opened: Linux opens a directory for reading, and every read would fail; say so now. */
    private void inspect(EventLoop loop, Path path, int fd, boolean direct, Promise<FileHandle> p) {
        Arena a = Arena.ofConfined();
        MemorySegment st = a.allocate(Statx.SIZE, 8);
        int mask = Statx.STATX_TYPE | (direct ? Statx.STATX_DIOALIGN : 0);
        ring.statx(fd, a.allocateFrom(""), Statx.AT_EMPTY_PATH, mask, st, a, res -> {
            if (res < 0) {
                ring.closeNow(fd);
                p.fail(FileErrors.fromErrno("open", path, "statx", -res));
            } else if (Statx.type(st) == FileStat.Type.DIRECTORY) {
                ring.closeNow(fd);
                p.fail(new IsADirectoryException("open", path, null));
            } else {
                UringFileHandle h = new UringFileHandle(ring, loop, path, fd, direct ? Statx.directAlignment(st) : 1);
                if (!p.complete(h)) {
                    ring.closeNow(fd); // the open was cancelled: nobody will close it
                }
            }
        });
    }

    /** open(2) flags for {@code options}, as the JDK's FileChannel.open would pass them (always O_CLOEXEC). */
    static int openFlags(Set<FileOption> options) {
        boolean read = options.contains(FileOption.READ);
        boolean write = options.contains(FileOption.WRITE) || options.contains(FileOption.APPEND);
        int flags = !write ? FileSys.O_RDONLY : read ? FileSys.O_RDWR : FileSys.O_WRONLY;
        if (options.contains(FileOption.APPEND)) {
            flags |= FileSys.O_APPEND;
        }
        if (options.contains(FileOption.CREATE_NEW)) {
            flags |= FileSys.O_CREAT | FileSys.O_EXCL;
        } else if (options.contains(FileOption.CREATE)) {
            flags |= FileSys.O_CREAT;
        }
        if (options.contains(FileOption.TRUNCATE)) {
            flags |= FileSys.O_TRUNC;
        }
        if (options.contains(FileOption.DIRECT)) {
            flags |= FileSys.O_DIRECT;
        }
        return flags | FileSys.O_CLOEXEC;
    }

    @Override
    public Promise<FileStat> stat(EventLoop loop, Path path, boolean followLinks) {
        Promise<FileStat> p = loop.newPromise();
        onLoop(loop, () -> stat(path, followLinks, p, false));
        return p;
    }

    /**
     * STATX of {@code path} into {@code p}; with {@code goneIsNull}, a path that no longer exists
     * gives null rather than a failure (an entry deleted since its directory was listed). Loop thread.
     */
    void stat(Path path, boolean followLinks, Promise<FileStat> p, boolean goneIsNull) {
        Arena a = Arena.ofConfined();
        MemorySegment st = a.allocate(Statx.SIZE, 8);
        ring.statx(UringFiles.AT_FDCWD, name(a, path), followLinks ? 0 : Statx.AT_SYMLINK_NOFOLLOW,
                Statx.STATX_TYPE | Statx.STATX_SIZE | Statx.STATX_MTIME, st, a, res -> {
                    if (res >= 0) {
                        p.complete(Statx.decode(path, st));
                    } else if (goneIsNull && -res == io.weft.internal.sys.Errno.ENOENT) {
                        p.complete(null);
                    } else {
                        p.fail(FileErrors.fromErrno("stat", path, "statx", -res));
                    }
                });
    }

    @Override
    public Promise<List<FileStat>> listStats(EventLoop loop, Path directory) {
        return list(loop, directory).flatMap(paths -> RingStats.start(this, loop, paths));
    }

    @Override
    public Promise<List<Path>> list(EventLoop loop, Path directory) {
        return PoolFileIo.INSTANCE.list(loop, directory);
    }

    @Override
    public Promise<Void> delete(EventLoop loop, Path path) {
        return PoolFileIo.INSTANCE.delete(loop, path);
    }

    @Override
    public Promise<Void> rename(EventLoop loop, Path from, Path to) {
        return PoolFileIo.INSTANCE.rename(loop, from, to);
    }

    @Override
    public Promise<Void> mkdirs(EventLoop loop, Path directory) {
        return PoolFileIo.INSTANCE.mkdirs(loop, directory);
    }

    @Override
    public Promise<Long> copy(EventLoop loop, Path source, Path target, LongConsumer progress) {
        return PoolFileIo.INSTANCE.copy(loop, source, target, progress);
    }

    @Override
    public Promise<FreshBuffer> allocate(EventLoop loop, int capacity, int alignment) {
        return PoolFileIo.INSTANCE.allocate(loop, capacity, alignment);
    }
}
