package io.weft.file;

import io.weft.future.Promise;
import io.weft.internal.file.ChunkedRead;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.FileIo;
import io.weft.internal.file.FileIos;
import io.weft.internal.file.StopSignal;
import io.weft.internal.file.TransportToFile;
import io.weft.internal.file.UnsizedRead;
import io.weft.loop.EventLoop;
import io.weft.net.Transport;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A file opened on a loop, whose every operation runs off the loop and completes a
 * {@link Promise} whose callbacks run on the loop: the loop never waits on a disk (or on a FIFO
 * with no writer). For green threads, {@link io.weft.green.GreenFile} makes the same calls
 * blocking-style.
 *
 * <pre>{@code
 * AsyncFile.open(loop, Path.of("big.bin"))
 *         .flatMap(f -> f.readAll().whenComplete((data, e) -> f.close()))
 *         .whenComplete((data, e) -> ...);   // on the loop
 * }</pre>
 *
 * <h2>Threads</h2>
 * {@link #open} and the static path operations ({@link #stat}, {@link #list}, {@link #delete},
 * {@link #rename}, {@link #mkdirs}, {@link #listStats}, {@link #copy}) may be called from any thread. The methods of an open file
 * may be called only on its loop's thread (callbacks and green threads of that loop); elsewhere
 * they throw {@link WrongThreadException}.
 *
 * <h2>Operations and buffers</h2>
 * Positional reads and writes ({@link #read(long, ByteBuffer)}, {@link #write(long, ByteBuffer)})
 * may overlap freely. Sequential ones ({@link #read(ByteBuffer)}, {@link #write(ByteBuffer)}) use
 * the file's own offset, one at a time: a second while one is pending throws
 * {@link IllegalStateException}. A buffer passed to a read or write belongs to the file until
 * that operation's promise settles: do not touch it before.
 *
 * <h2>Cancelling</h2>
 * Cancelling an operation's promise stops it before its next step: a read or write still queued
 * never starts, a {@link #readAll} issues no further chunk (4 MiB each on the pool, 2 MiB on
 * io_uring), a large write no further piece (8 MiB each), a {@link #copy} no further native call
 * (16 MiB each). On the pool what is already running in the kernel ends first (a file read
 * cannot be interrupted without closing the file for every other operation); on io_uring the
 * operation in the kernel is cancelled too (ASYNC_CANCEL: a FIFO read waiting for a writer ends),
 * but it still ends only when the kernel says so. Either way a cancelled operation's buffer is
 * still lent until then; the
 * promise returned by {@link #close()} settles only after every operation has ended, so after it
 * every buffer is free again. A fresh buffer {@code readAll()} allocated for a cancelled read is
 * unmapped as soon as the reads in hand end. The file stays open and usable; a cancelled
 * sequential read or write still counts as pending until it has ended.
 *
 * <h2>Errors</h2>
 * Failures are {@link FileException}s naming the call and the path, typed by cause:
 * {@link NoSuchPathException}, {@link PermissionDeniedException}, {@link IsADirectoryException},
 * {@link NotADirectoryException}, {@link PathExistsException}, {@link NonEmptyDirectoryException},
 * {@link NoSpaceLeftException}, {@link FileTooLargeException}, {@link FileClosedException}. Work
 * on the process's offload pool fails with {@link io.weft.loop.OffloadQueueFullException} when
 * the pool's queue is full.
 *
 * <h2>Backends</h2>
 * On the NIO, poll and epoll loops each operation is a blocking call on the offload pool. On an
 * io_uring loop whose kernel has the file opcodes, reads, writes, {@code fsync}/{@code fdatasync},
 * open, close, {@link #stat}, {@link #size()} and {@link #listStats}' per-entry stats are
 * operations on the loop's ring (large reads and writes run on the kernel's io-wq workers, never
 * on the loop's thread); truncate, transferTo, list, delete, rename, mkdirs and copy stay on the
 * pool. Both go through one internal completion-shaped interface and behave alike. On a
 * simulated loop (weft-testkit's {@code io.weft.testkit.sim}) the same interface is the host's
 * in-memory disk.
 */
public final class AsyncFile {
    /** The most {@link #readAll()} and {@link #readAllBytes()} read into one buffer or array. */
    public static final int MAX_BUFFER = Integer.MAX_VALUE - (64 << 10);

    private enum State { OPEN, CLOSING, CLOSED }

    private final EventLoop loop;
    private final FileHandle handle;
    private final Set<FileOption> options;
    private State state = State.OPEN;
    private int inFlight;
    private boolean sequentialBusy;
    private Promise<Void> closed;

    private AsyncFile(EventLoop loop, FileHandle handle, Set<FileOption> options) {
        this.loop = loop;
        this.handle = handle;
        this.options = options;
    }

    // ---- opening, and operations on paths (any thread) ----

    /** Opens {@code path} on {@code loop}; with no options, for reading. Any thread. */
    public static Promise<AsyncFile> open(EventLoop loop, Path path, FileOption... options) {
        return open(loop, path, options.length == 0 ? EnumSet.of(FileOption.READ) : EnumSet.of(options[0], options));
    }

    /**
     * Opens {@code path} on {@code loop} with {@code options}, as {@code open(2)} does. Any thread.
     *
     * @throws IllegalArgumentException for options that cannot go together (the message says
     *         which), before anything is opened
     */
    public static Promise<AsyncFile> open(EventLoop loop, Path path, Set<FileOption> options) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(path, "path");
        Set<FileOption> opts = options.isEmpty() ? EnumSet.of(FileOption.READ) : EnumSet.copyOf(options);
        if (opts.contains(FileOption.APPEND) && opts.contains(FileOption.READ)) {
            throw new IllegalArgumentException("APPEND cannot go with READ (the JDK refuses it):"
                    + " open the file twice, once to read and once to append");
        }
        if (opts.contains(FileOption.APPEND) && opts.contains(FileOption.TRUNCATE)) {
            throw new IllegalArgumentException("APPEND cannot go with TRUNCATE: truncate with WRITE first");
        }
        boolean writes = opts.contains(FileOption.WRITE) || opts.contains(FileOption.APPEND);
        if (!writes && (opts.contains(FileOption.CREATE) || opts.contains(FileOption.CREATE_NEW)
                || opts.contains(FileOption.TRUNCATE))) {
            throw new IllegalArgumentException("CREATE, CREATE_NEW and TRUNCATE need WRITE (or APPEND): " + opts);
        }
        return FileIos.forLoop(loop).open(loop, path, opts).map(h -> new AsyncFile(loop, h, opts));
    }

    /** What is at {@code path}, following symbolic links. Any thread. */
    public static Promise<FileStat> stat(EventLoop loop, Path path) {
        return io(loop).stat(loop, path, true);
    }

    /** What is at {@code path}, a symbolic link itself rather than what it points to. Any thread. */
    public static Promise<FileStat> lstat(EventLoop loop, Path path) {
        return io(loop).stat(loop, path, false);
    }

    /** The entries of {@code directory} (paths under it), in the directory's order. Any thread. */
    public static Promise<List<Path>> list(EventLoop loop, Path directory) {
        return io(loop).list(loop, directory);
    }

    /**
     * The entries of {@code directory} with what {@link #lstat} says of each (a symbolic link is
     * reported as one, as {@code ls -l} does), in the directory's order; an entry deleted between
     * the listing and its stat is left out. Any thread.
     *
     * <p>For large directories this is the call to make rather than a {@link #stat} per entry:
     * the stats run in batches of a few hundred, on at most half the cores of the offload pool,
     * and the loop hears one completion per batch, so it stays responsive while ten thousand
     * entries are looked at (docs/benchmarks.md, "Files").
     */
    public static Promise<List<FileStat>> listStats(EventLoop loop, Path directory) {
        return io(loop).listStats(loop, directory);
    }

    /** Deletes a file, a symbolic link or an empty directory. Any thread. */
    public static Promise<Void> delete(EventLoop loop, Path path) {
        return io(loop).delete(loop, path);
    }

    /** Renames {@code from} to {@code to} atomically, replacing a file there. Any thread. */
    public static Promise<Void> rename(EventLoop loop, Path from, Path to) {
        return io(loop).rename(loop, from, to);
    }

    /** Creates {@code directory} and every missing directory above it; done if it exists. Any thread. */
    public static Promise<Void> mkdirs(EventLoop loop, Path directory) {
        return io(loop).mkdirs(loop, directory);
    }

    /**
     * Copies the file at {@code source} to {@code target}, which is created (permissions
     * {@code rw-rw-rw-} less the umask, as any new file) or truncated; the promise gives the
     * bytes copied, up to wherever the source ended. As {@code copy(loop, source, target, null)}.
     * Any thread.
     */
    public static Promise<Long> copy(EventLoop loop, Path source, Path target) {
        return copy(loop, source, target, null);
    }

    /**
     * Copies the file at {@code source} to {@code target}, which is created (permissions
     * {@code rw-rw-rw-} less the umask) or truncated, as {@code cp} does: inside the kernel
     * ({@code copy_file_range(2)} on Linux: a reflink where the file system shares blocks,
     * else a copy from page cache to page cache that never passes through this process's
     * memory), and through a buffer where the kernel cannot copy between the two (another file
     * system on an old kernel, a FIFO). The work is one task on the offload pool (one pool
     * thread for the whole copy, as {@code cp} is one thread), in native calls of at most
     * 16 MiB; the loop is never held. Any thread.
     *
     * <p>{@code progress}, if not null, is called on the loop with the bytes copied so far,
     * about every 64 MiB (fewer times if the loop is slow to run them; the last count always
     * comes before the promise settles); an exception it throws stops the copy and fails it. The promise settles after both files
     * are closed, with the bytes copied; it fails with {@link NoSuchPathException} or
     * {@link PermissionDeniedException} (naming whichever path it was), {@link IsADirectoryException},
     * {@link NoSpaceLeftException} or {@link FileTooLargeException} (EFBIG: the target's file
     * system or the process's file size limit; naming the target), or a {@link FileException}
     * if {@code target} is {@code source} (nothing is truncated then).
     *
     * <p>Cancelling the promise stops the copy within one native call (at most 16 MiB; a call
     * in the kernel cannot be interrupted), and both files are closed soon after; the target
     * keeps the bytes copied so far. Delete it if a partial copy is of no use.
     */
    public static Promise<Long> copy(EventLoop loop, Path source, Path target, java.util.function.LongConsumer progress) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        return io(loop).copy(loop, source, target, progress);
    }

    private static FileIo io(EventLoop loop) {
        return FileIos.forLoop(Objects.requireNonNull(loop, "loop"));
    }

    // ---- reading and writing (loop thread) ----

    /**
     * Reads into {@code dst} at {@code position}, up to its remaining bytes; the promise gives
     * the count, or -1 at the end of the file. The buffer's position advances by the count.
     */
    public Promise<Integer> read(long position, ByteBuffer dst) {
        checkPosition("read", position);
        StopSignal stop = new StopSignal();
        return track("read", stop, handle.read(position, writable(dst), stop));
    }

    /** Reads into {@code dst} at the file's offset and advances it; -1 at the end (works on FIFOs). */
    public Promise<Integer> read(ByteBuffer dst) {
        return sequential("read", stop -> handle.read(FileHandle.CURRENT, writable(dst), stop));
    }

    /** Writes every remaining byte of {@code src} at {@code position}; the promise gives the count. */
    public Promise<Integer> write(long position, ByteBuffer src) {
        checkPosition("write", position);
        if (options.contains(FileOption.APPEND)) {
            throw new IllegalStateException("a file opened with APPEND writes at its end only: use write(buffer)");
        }
        StopSignal stop = new StopSignal();
        return track("write", stop, handle.write(position, src, stop));
    }

    /** Writes every remaining byte of {@code src} at the file's offset (the end, with APPEND). */
    public Promise<Integer> write(ByteBuffer src) {
        return sequential("write", stop -> handle.write(FileHandle.CURRENT, src, stop));
    }

    /**
     * Copies up to {@code count} bytes from {@code position} of this file to {@code target}, at
     * the target's own offset (a sequential write there: the target may have no other sequential
     * call pending), inside the kernel where it can ({@code copy_file_range} on Linux): the
     * bytes never pass through a buffer of this process. The promise gives the bytes copied,
     * fewer at the end of this file. Both files must be open on this loop.
     */
    public Promise<Long> transferTo(long position, long count, AsyncFile target) {
        checkPosition("transferTo", position);
        if (count < 0) {
            throw new IllegalArgumentException("transferTo: a count is 0 or more, got " + count);
        }
        if (target.loop != loop) {
            throw new IllegalArgumentException("transferTo: the target file is open on another loop; open it on this one");
        }
        return target.sequential("transferTo", stop -> hold(handle.transferTo(position, count, target.handle)));
    }

    /**
     * The whole file in a new direct buffer (position 0, limit the byte count), read as several
     * large positional reads in flight at once. Bytes are those up to the size the file had when
     * the call started. A file whose size reads as 0 ({@code /proc} files, FIFOs) is read
     * sequentially to its end into a heap buffer instead. Fails with
     * {@link FileTooLargeException} beyond {@link #MAX_BUFFER} bytes, having read nothing.
     *
     * <p>The buffer: fresh anonymous memory from the kernel, not from a pool, so it belongs to
     * the caller alone from the moment the promise completes, for as long as the caller keeps
     * it (or any slice of it) reachable; its memory is given back when it becomes unreachable,
     * as a {@link ByteBuffer#allocateDirect direct buffer}'s is. Nothing in Weft writes to it
     * after the promise completes. A read that fails or is cancelled unmaps its buffer at once.
     *
     * <p>Cost: a fresh buffer's every page is touched for the first time by the read that fills
     * it, and that first touch costs more than the copy on some machines (on this project's VM,
     * touching 1 GiB of fresh memory took several times as long as {@code cat} takes to read
     * the cached file: docs/benchmarks.md, "Files"). Code that reads large files repeatedly
     * should keep one buffer and use {@link #readAll(ByteBuffer)}.
     */
    public Promise<ByteBuffer> readAll() {
        checkUsable("readAll");
        int alignment = handle.alignment();
        StopSignal stop = new StopSignal();
        return track("readAll", stop, sized("readAll").flatMap(size -> {
            if (stop.stopped()) {
                return cancelled();
            }
            if (size == 0) {
                return UnsizedRead.start(loop, handle, MAX_BUFFER, stop);
            }
            int capacity = (int) ((size + alignment - 1) / alignment * alignment);
            return FileIos.forLoop(loop).allocate(loop, capacity, alignment).flatMap(fresh -> {
                Promise<Integer> read = readRange(fresh.buffer(), size, stop);
                // Nobody will see a buffer whose read failed or was cancelled: give it back now.
                read.whenComplete((n, e) -> {
                    if (e != null) {
                        fresh.free();
                    }
                });
                return read.map(n -> fresh.buffer().position(0));
            });
        }));
    }

    /**
     * The whole file as a byte array; as {@link #readAll()} otherwise. Not with
     * {@link FileOption#DIRECT}. The array is the caller's. It costs more than {@link #readAll()}
     * for large files: the JVM zeroes a new array before the read fills it (a pass over the
     * memory that a mapped buffer does not need, done on a pool thread so the loop is not held),
     * and heap memory the JVM has not touched before pays the same first-touch cost.
     */
    public Promise<byte[]> readAllBytes() {
        checkUsable("readAllBytes");
        if (handle.alignment() > 1) {
            throw new IllegalStateException("a DIRECT file reads into aligned direct buffers only: use readAll()");
        }
        StopSignal stop = new StopSignal();
        return track("readAllBytes", stop, sized("readAllBytes").flatMap(size -> {
            if (stop.stopped()) {
                return cancelled();
            }
            if (size == 0) {
                return UnsizedRead.start(loop, handle, MAX_BUFFER, stop).map(b -> {
                    byte[] out = new byte[b.remaining()];
                    b.get(out);
                    return out;
                });
            }
            // A large array is zeroed when it is made: off the loop, like the reads.
            return FileIos.forLoop(loop).newArray(loop, (int) (long) size)
                    .flatMap(array -> readRange(ByteBuffer.wrap(array), size, stop).map(n -> n == array.length ? array
                            : java.util.Arrays.copyOf(array, n)));
        }));
    }

    /**
     * Reads the whole file into {@code dst} from its position on (the limit is then set after the
     * bytes read); the promise gives the count. Fails with {@link FileTooLargeException} if the
     * file does not fit in {@code dst}'s remaining bytes. With {@link FileOption#DIRECT},
     * {@code dst} must be an aligned direct buffer with room for the size rounded up to
     * {@link #alignment()}.
     */
    public Promise<Integer> readAll(ByteBuffer dst) {
        checkUsable("readAll");
        writable(dst);
        StopSignal stop = new StopSignal();
        return track("readAll", stop, handle.size().flatMap(size -> {
            long room = handle.alignment() > 1 ? dst.remaining() / handle.alignment() * (long) handle.alignment()
                    : dst.remaining();
            if (size > room) {
                return Promise.failed(loop, new FileTooLargeException("readAll", handle.path(), size, room));
            }
            return stop.stopped() ? cancelled() : readRange(dst, size, stop);
        }));
    }

    private Promise<Long> sized(String call) {
        return handle.size().flatMap(size -> size > MAX_BUFFER
                ? Promise.failed(loop, new FileTooLargeException(call, handle.path(), size, MAX_BUFFER))
                : Promise.completed(loop, size));
    }

    private Promise<Integer> readRange(ByteBuffer dst, long size, StopSignal stop) {
        return ChunkedRead.start(loop, handle, dst, size, handle.readChunk(), handle.readDepth(), stop, null);
    }

    private <T> Promise<T> cancelled() {
        Promise<T> p = loop.newPromise();
        p.cancel();
        return p;
    }

    /** The file's size in bytes. */
    public Promise<Long> size() {
        checkUsable("size");
        return track("size", handle.size());
    }

    /** Cuts the file to {@code size} bytes, or grows it (with a hole) to that size. */
    public Promise<Void> truncate(long size) {
        checkPosition("truncate", size);
        return track("truncate", handle.truncate(size));
    }

    /**
     * Waits until what was written is on the device: with {@code metadata} as {@code fsync(2)},
     * else as {@code fdatasync(2)} (the data, and only the metadata needed to read it back).
     */
    public Promise<Void> force(boolean metadata) {
        checkUsable(metadata ? "fsync" : "fdatasync");
        return track(metadata ? "fsync" : "fdatasync", handle.force(metadata));
    }

    /** {@code force(true)}. */
    public Promise<Void> fsync() {
        return force(true);
    }

    /** {@code force(false)}. */
    public Promise<Void> fdatasync() {
        return force(false);
    }

    /**
     * Receives the transport's bytes into this file from {@code position} on, with bounded memory:
     * see {@link Transport#sendFile} for the other way. The transport's protocol is set aside
     * while it runs and given back afterwards (with any bytes past {@code count}); reading pauses
     * while the file's writes lag behind. The promise gives the bytes written, once they are all
     * written, after {@code count} bytes or at the peer's end of stream if sooner
     * ({@code count < 0}: until the end of stream).
     *
     * <p>Cancelling the promise stops it: no further write starts, the writes in flight are
     * cancelled (in the kernel on io_uring; on the pool a write already running ends first),
     * bytes received but not yet given to a write are dropped, and the transport's protocol is
     * given back with reading resumed, so what arrives afterwards goes to it. The file stays
     * open; {@link #close()} waits for the writes still in flight.
     */
    public Promise<Long> writeFrom(Transport transport, long position, long count) {
        checkPosition("writeFrom", position);
        if (options.contains(FileOption.APPEND)) {
            throw new IllegalStateException("a file opened with APPEND writes at its end only; open it with WRITE");
        }
        StopSignal stop = new StopSignal();
        return track("writeFrom", stop, TransportToFile.start(transport, this, position, count, stop));
    }

    // ---- closing (loop thread) ----

    /**
     * Closes the file once every operation already started has ended (so once the promise settles,
     * every buffer lent to a read or write is free again). Calling an operation after this throws
     * {@link IllegalStateException}. Idempotent: every call returns the same promise.
     */
    public Promise<Void> close() {
        checkThread("close");
        if (closed == null) {
            closed = loop.newPromise();
            state = State.CLOSING;
            closeIfQuiet();
        }
        return closed;
    }

    /** Whether {@link #close()} has not been called. */
    public boolean isOpen() {
        checkThread("isOpen");
        return state == State.OPEN;
    }

    public Path path() {
        return handle.path();
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * The multiple that buffer addresses, positions and lengths must be of: the file system's
     * block size with {@link FileOption#DIRECT}, otherwise 1.
     */
    public int alignment() {
        return handle.alignment();
    }

    /** A new direct buffer of {@code capacity} bytes whose address is a multiple of {@link #alignment()}. */
    public ByteBuffer allocateAligned(int capacity) {
        int a = alignment();
        return a <= 1 ? ByteBuffer.allocateDirect(capacity)
                : ByteBuffer.allocateDirect(capacity + a).alignedSlice(a).slice(0, capacity);
    }

    @Override
    public String toString() {
        return "AsyncFile[" + handle.path() + (state == State.OPEN ? "" : ", " + state.name().toLowerCase()) + "]";
    }

    // ---- bookkeeping ----

    /**
     * Runs a sequential operation: one at a time, and "one" lasts until the operation has really
     * ended, not until its promise was cancelled (a cancelled read of a FIFO still waits in the
     * kernel for its bytes, and a second read beside it would take some of them).
     */
    private <T> Promise<T> sequential(String call, java.util.function.Function<StopSignal, Promise<T>> op) {
        checkUsable(call);
        if (sequentialBusy) {
            throw new IllegalStateException("a sequential read or write of " + handle.path()
                    + " is still pending (a cancelled one too, until it has ended): wait for it,"
                    + " or use read(position, buffer)/write(position, buffer)");
        }
        sequentialBusy = true;
        StopSignal stop = new StopSignal();
        Promise<T> inner = op.apply(stop);
        inner.whenComplete((v, e) -> sequentialBusy = false);
        return track(call, stop, inner);
    }

    /**
     * Counts {@code op} in flight until it settles, and hands the caller a promise of its own
     * whose cancelling sets {@code stop}: the operation stops before its next step (nothing new
     * starts), while what is running ends first; the file stays open, and the buffer lent,
     * until it has.
     */
    private <T> Promise<T> track(String call, StopSignal stop, Promise<T> op) {
        Promise<T> out = loop.newPromise();
        out.onCancel(stop::stop);
        hold(op).whenComplete((v, e) -> {
            if (e != null) {
                out.fail(e); // a no-op if out was cancelled
            } else {
                out.complete(v);
            }
        });
        return out;
    }

    /** {@link #track} for an operation with nothing to stop: size, truncate, force. */
    private <T> Promise<T> track(String call, Promise<T> op) {
        return track(call, new StopSignal(), op);
    }

    /** Counts {@code op} in flight until it settles (then closes the file if a close waits); returns it. */
    private <T> Promise<T> hold(Promise<T> op) {
        inFlight++;
        op.whenComplete((v, e) -> {
            inFlight--;
            closeIfQuiet();
        });
        return op;
    }

    private void closeIfQuiet() {
        if (state == State.CLOSING && inFlight == 0) {
            state = State.CLOSED;
            handle.close().whenComplete((v, e) -> {
                if (e != null) {
                    closed.fail(e);
                } else {
                    closed.complete(null);
                }
            });
        }
    }

    private void checkUsable(String call) {
        checkThread(call);
        if (state != State.OPEN) {
            throw new IllegalStateException(call + " " + handle.path() + ": the file was closed; open it again");
        }
    }

    private void checkPosition(String call, long position) {
        if (position < 0) {
            throw new IllegalArgumentException(call + ": a file position or size is 0 or more, got " + position);
        }
        checkUsable(call);
    }

    private static ByteBuffer writable(ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only buffer");
        }
        return dst;
    }

    private void checkThread(String call) {
        if (!loop.inLoop()) {
            throw new WrongThreadException("AsyncFile." + call + " runs on its loop's thread only (" + Thread.currentThread()
                    + " is not it): call it from a callback or green thread of that loop, or hand it over with loop.execute(...)");
        }
    }
}
