package io.weft.testkit.sim;

import io.weft.file.FileClosedException;
import io.weft.file.FileException;
import io.weft.file.FileOption;
import io.weft.future.Promise;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.StopSignal;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * An open file of a {@link SimFileSystem}. A read is one event and may come back short (the
 * {@link DiskFaults#shortRead} chance), which the code above ({@code ChunkedRead},
 * {@code UnsizedRead}, a user's own loop) must cope with. A write is a series of write calls, one
 * event each, each taking a drawn share of what is left ({@link DiskFaults#shortWrite}), at
 * most {@link FileHandle#WRITE_PIECE}: the loop the pool's and the ring's handles run, so a
 * write stops between calls when cancelled and keeps what its calls placed when the disk fills.
 *
 * <p>The descriptor's own offset ({@link #CURRENT}) moves when a call completes; with
 * {@code APPEND} every write call goes to the end as it is then. A crash of the file system
 * ({@link SimFileSystem#crash()}) closes the handle: every later step fails with
 * {@link FileClosedException}.
 *
 * <p>Simulation's thread only.
 */
final class SimFileHandle implements FileHandle {
    private final SimFileIo io;
    private final EventLoop loop;
    private final Path path;
    private final SimFileSystem.Data file;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final int openedAt;
    private long offset;
    private boolean closed;

    SimFileHandle(SimFileIo io, EventLoop loop, Path path, SimFileSystem.Data file, Set<FileOption> options, int openedAt) {
        this.io = io;
        this.loop = loop;
        this.path = path;
        this.file = file;
        this.append = options.contains(FileOption.APPEND);
        this.writable = append || options.contains(FileOption.WRITE);
        this.readable = options.contains(FileOption.READ) || !writable;
        this.openedAt = openedAt;
        io.fs().opened(1);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int alignment() {
        return 1;
    }

    private void check(String call) throws FileException {
        if (closed || file.crashedSince(openedAt)) {
            throw new FileClosedException(call, path, null);
        }
    }

    private static void stopIfAsked(StopSignal stop) {
        if (stop.stopped()) {
            throw new CancellationException("cancelled before this step started");
        }
    }

    @Override
    public Promise<Integer> read(long position, ByteBuffer dst, StopSignal stop) {
        return io.later(loop, "read", io.latency(), () -> {
            stopIfAsked(stop);
            check("read");
            if (!readable) {
                throw new FileException("read", path, "bad file descriptor (not open for reading)", null);
            }
            long at = position == CURRENT ? offset : position;
            long available = Math.min(dst.remaining(), Math.max(0, file.size - at));
            int max = dst.remaining();
            if (available > 1 && io.sim().random().chance(io.fs().faults().shortRead())) {
                max = (int) io.sim().random().between(1, available - 1);
            }
            int start = dst.position();
            int n = file.read(at, dst, max);
            if (n > 0) {
                io.sim().trace().bytes(dst, start, n);
                if (position == CURRENT) {
                    offset += n;
                }
            }
            io.sim().trace().event(io.sim().now(), "file-read-bytes", n);
            return n;
        });
    }

    @Override
    public Promise<Integer> write(long position, ByteBuffer src, StopSignal stop) {
        Promise<Integer> result = loop.newPromise();
        writeCall(position, src, stop, 0, result);
        return result;
    }

    /** One write call of a write, {@code done} bytes placed before it; the next call, or the result. */
    private void writeCall(long position, ByteBuffer src, StopSignal stop, int done, Promise<Integer> result) {
        io.at(io.latency(), () -> {
            int total;
            try {
                stopIfAsked(stop);
                check("write");
                if (!writable) {
                    throw new FileException("write", path, "bad file descriptor (not open for writing)", null);
                }
                int want = Math.min(WRITE_PIECE, src.remaining());
                if (want > 1 && io.sim().random().chance(io.fs().faults().shortWrite())) {
                    want = (int) io.sim().random().between(1, want - 1);
                }
                long at = append ? file.size : position == CURRENT ? offset : position + done;
                int start = src.position();
                int n = want == 0 ? 0 : file.write("write", path, at, src, want);
                io.sim().trace().bytes(src, start, n);
                io.sim().trace().event(io.sim().now(), "file-write", at, n);
                if (position == CURRENT) {
                    offset = at + n;
                }
                total = done + n;
            } catch (FileException | CancellationException e) {
                io.settle(result, null, e);
                return;
            }
            if (src.hasRemaining()) {
                writeCall(position, src, stop, total, result);
            } else {
                io.settle(result, total, null);
            }
        });
    }

    @Override
    public Promise<Long> transferTo(long position, long count, FileHandle target) {
        SimFileHandle to = (SimFileHandle) target;
        return io.later(loop, "transferTo", io.latency(), () -> {
            check("transferTo");
            to.check("transferTo");
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.max(0, Math.min(count, file.size - position)));
            file.read(position, bytes, bytes.remaining());
            bytes.flip();
            long at = to.append ? to.file.size : to.offset;
            long n = 0;
            while (bytes.hasRemaining()) {
                n += to.file.write("transferTo", path, at + n, bytes, bytes.remaining());
            }
            to.offset = at + n;
            return n;
        });
    }

    @Override
    public Promise<Long> size() {
        return io.later(loop, "size", io.latency(), () -> {
            check("size");
            return file.size;
        });
    }

    @Override
    public Promise<Void> truncate(long size) {
        return io.later(loop, "truncate", io.latency(), () -> {
            check("truncate");
            file.truncate("truncate", path, size);
            return null;
        });
    }

    /** Takes a drawn sync time ({@link DiskFaults#minSync} to {@code maxSync}); what the file holds then becomes durable. */
    @Override
    public Promise<Void> force(boolean metadata) {
        String call = metadata ? "fsync" : "fdatasync";
        return io.later(loop, call, io.syncLatency(), () -> {
            check(call);
            file.sync();
            return null;
        });
    }

    @Override
    public Promise<Void> close() {
        return io.later(loop, "close", io.latency(), () -> {
            closeNow();
            return null;
        });
    }

    /** Closes at once: for {@link #close()}, and for an open whose promise nobody is left to take. */
    void closeNow() {
        if (!closed) {
            closed = true;
            if (!file.crashedSince(openedAt)) {
                io.fs().opened(-1); // a crash already closed it
            }
        }
    }

    @Override
    public String toString() {
        return "SimFileHandle[" + path + (closed ? ", closed" : "") + "]";
    }
}
