package io.weft.internal.file.uring;

import io.weft.future.Promise;
import io.weft.internal.file.FileErrors;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.StopSignal;
import io.weft.internal.io.completion.uring.UringFiles;
import io.weft.internal.offload.OffloadPool;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.FileSys;
import io.weft.internal.sys.UringLayout;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/**
 * An open file on the ring: a descriptor, whose reads, writes, fsyncs, size (STATX with
 * AT_EMPTY_PATH) and close are ring operations; truncate and transferTo, which have no opcode
 * on the kernels Weft supports, run on the offload pool with the same descriptor (AsyncFile
 * closes a file only once nothing else on it is in flight, so the descriptor outlives them).
 *
 * <p><b>Buffers</b>: a direct buffer is handed to the kernel as it is, and this handle keeps a
 * reference to it until the CQE, so it cannot be freed under the kernel. A heap buffer cannot be
 * (the garbage collector moves arrays): its bytes go through a native bounce buffer of at most
 * {@link #BOUNCE} bytes per operation, owned by the operation's arena and freed after its CQE.
 *
 * <p><b>Cancelling</b>: {@link StopSignal#stop()} sends an ASYNC_CANCEL for the operation in the
 * kernel; the operation settles only at its own CQE (its buffer the kernel's until then): with
 * {@link CancellationException} if the kernel cancelled it, or with its result if it had already
 * run (a buffered read in the middle of its copy finishes).
 *
 * <p>Loop thread, as {@link FileHandle}'s callers are.
 */
final class UringFileHandle implements FileHandle {
    /** The most bytes one read or write of a heap buffer takes through its native bounce buffer. */
    static final int BOUNCE = 4 << 20;

    private final UringFiles ring;
    private final EventLoop loop;
    private final Path path;
    private final int fd;
    private final int alignment;

    UringFileHandle(UringFiles ring, EventLoop loop, Path path, int fd, int alignment) {
        this.ring = ring;
        this.loop = loop;
        this.path = path;
        this.fd = fd;
        this.alignment = alignment;
    }

    /**
     * Reads and writes of at least this many bytes go to io-wq workers at once (IOSQE_ASYNC)
     * rather than being tried inside the loop's io_uring_enter first: a cached read is copied
     * there on the loop's thread, serially, while workers copy several chunks on all cores at
     * once (measured in docs/benchmarks.md, "Files on io_uring"). {@code -Dweft.uring.asyncFrom}
     * overrides it, for the measurement.
     */
    private static final int ASYNC_FROM = Integer.getInteger("weft.uring.asyncFrom", 256 << 10);

    /**
     * readAll's shape on the ring, set by measurement (docs/benchmarks.md, "Files on io_uring"):
     * bytes per READ and READs in flight. {@code -Dweft.file.readChunk} and
     * {@code -Dweft.file.readDepth} override them, for the measurement itself.
     */
    private static final int RING_CHUNK = Integer.getInteger("weft.file.readChunk", 2 << 20);
    private static final int RING_DEPTH = Integer.getInteger("weft.file.readDepth", 4);

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int alignment() {
        return alignment;
    }

    @Override
    public int readChunk() {
        return RING_CHUNK;
    }

    @Override
    public int readDepth() {
        return RING_DEPTH;
    }

    @Override
    public Promise<Integer> read(long position, ByteBuffer dst, StopSignal stop) {
        Promise<Integer> p = loop.newPromise();
        if (stop.stopped()) {
            p.fail(new CancellationException("cancelled before this step started"));
            return p;
        }
        int wanted = dst.remaining();
        if (wanted == 0) {
            p.complete(0);
            return p;
        }
        MemorySegment target;
        MemorySegment bounce = null;
        Arena owned = null;
        if (dst.isDirect()) {
            target = MemorySegment.ofBuffer(dst);
        } else {
            owned = Arena.ofConfined();
            wanted = Math.min(wanted, BOUNCE);
            bounce = owned.allocate(wanted, Math.max(8, alignment));
            target = bounce;
        }
        int length = wanted;
        MemorySegment copyFrom = bounce;
        Cancel cancel = new Cancel(stop);
        cancel.op = ring.read(fd, target.address(), length, position == CURRENT ? -1 : position, length >= ASYNC_FROM, owned, res -> {
            cancel.done();
            if (res > 0) {
                if (copyFrom != null) {
                    MemorySegment.copy(copyFrom, 0, MemorySegment.ofBuffer(dst), 0, res);
                }
                dst.position(dst.position() + res); // dst, held here, stayed reachable while the kernel wrote into it
                p.complete(res);
            } else if (res == 0) {
                p.complete(-1);
            } else if (-res == UringLayout.ECANCELED) {
                p.fail(new CancellationException("cancelled in the kernel"));
            } else {
                p.fail(FileErrors.fromErrno("read", path, "read", -res));
            }
        });
        cancel.listen();
        return p;
    }

    @Override
    public Promise<Integer> write(long position, ByteBuffer src, StopSignal stop) {
        Promise<Integer> p = loop.newPromise();
        new Writing(position, src, stop, p).next();
        return p;
    }

    /** A write of every remaining byte, in pieces, each a WRITE whose CQE starts the next. */
    private final class Writing {
        private final long position;
        private final ByteBuffer src;
        private final StopSignal stop;
        private final Promise<Integer> result;
        private int written;

        Writing(long position, ByteBuffer src, StopSignal stop, Promise<Integer> result) {
            this.position = position;
            this.src = src;
            this.stop = stop;
            this.result = result;
        }

        void next() {
            if (!src.hasRemaining()) {
                result.complete(written);
                return;
            }
            if (stop.stopped()) {
                result.fail(new CancellationException("cancelled before this step started"));
                return;
            }
            int length = Math.min(src.remaining(), WRITE_PIECE);
            MemorySegment from;
            Arena owned = null;
            if (src.isDirect()) {
                from = MemorySegment.ofBuffer(src);
            } else {
                length = Math.min(length, BOUNCE);
                owned = Arena.ofConfined();
                from = owned.allocate(length, Math.max(8, alignment));
                MemorySegment.copy(MemorySegment.ofBuffer(src), 0, from, 0, length);
            }
            Cancel cancel = new Cancel(stop);
            cancel.op = ring.write(fd, from.address(), length, position == CURRENT ? -1 : position + written, length >= ASYNC_FROM, owned, res -> {
                cancel.done();
                if (res > 0) {
                    src.position(src.position() + res);
                    written += res;
                    next();
                } else if (res == 0) {
                    result.fail(new io.weft.file.FileException("write", path, "the kernel wrote nothing", null));
                } else if (-res == UringLayout.ECANCELED) {
                    result.fail(new CancellationException("cancelled in the kernel"));
                } else {
                    result.fail(FileErrors.fromErrno("write", path, "write", -res));
                }
            });
            cancel.listen();
        }
    }

    /**
     * The link between a step's StopSignal and its operation in the kernel: stopping (any thread)
     * asks the loop to cancel the operation; the operation's CQE takes the listener back.
     */
    private final class Cancel implements Runnable {
        private final StopSignal stop;
        UringFiles.Op op;

        Cancel(StopSignal stop) {
            this.stop = stop;
        }

        void listen() {
            stop.whenStopped(this);
        }

        void done() {
            stop.forget(this);
        }

        @Override
        public void run() {
            try {
                UringFileIo.onLoop(loop, op::cancel);
            } catch (RuntimeException closed) {
                // the loop is closing: it cancels every operation itself
            }
        }
    }

    @Override
    public Promise<Long> transferTo(long position, long count, FileHandle target) {
        int out = ((UringFileHandle) target).fd;
        return pool("transferTo", () -> {
            try (CallState cs = new CallState(); Arena a = Arena.ofConfined()) {
                MemorySegment offset = a.allocate(8, 8);
                long n = 0;
                while (n < count) {
                    long k = FileSys.copyFileRangeFrom(cs, fd, position + n, out, count - n, offset);
                    if (k < 0) {
                        throw FileErrors.fromErrno("transferTo", path, "copy_file_range", (int) -k);
                    }
                    if (k == 0) {
                        break; // the end of this file
                    }
                    n += k;
                }
                return n;
            }
        });
    }

    @Override
    public Promise<Long> size() {
        Promise<Long> p = loop.newPromise();
        Arena a = Arena.ofConfined();
        MemorySegment st = a.allocate(Statx.SIZE, 8);
        ring.statx(fd, a.allocateFrom(""), Statx.AT_EMPTY_PATH, Statx.STATX_SIZE, st, a, res -> {
            if (res < 0) {
                p.fail(FileErrors.fromErrno("size", path, "statx", -res));
            } else {
                p.complete(Statx.size(st));
            }
        });
        return p;
    }

    @Override
    public Promise<Void> truncate(long size) {
        return pool("truncate", () -> {
            try (CallState cs = new CallState()) {
                int r = FileSys.ftruncate(cs, fd, size);
                if (r < 0) {
                    throw FileErrors.fromErrno("truncate", path, "ftruncate", -r);
                }
                return null;
            }
        });
    }

    @Override
    public Promise<Void> force(boolean metadata) {
        String call = metadata ? "fsync" : "fdatasync";
        Promise<Void> p = loop.newPromise();
        ring.fsync(fd, metadata, res -> settle(p, call, res));
        return p;
    }

    @Override
    public Promise<Void> close() {
        Promise<Void> p = loop.newPromise();
        ring.close(fd, res -> settle(p, "close", res));
        return p;
    }

    private void settle(Promise<Void> p, String call, int res) {
        if (res < 0) {
            p.fail(FileErrors.fromErrno(call, path, call, -res));
        } else {
            p.complete(null);
        }
    }

    private <T> Promise<T> pool(String call, java.util.concurrent.Callable<T> work) {
        return OffloadPool.forLoop(loop).submit(loop, () -> {
            try {
                return work.call();
            } catch (IOException | RuntimeException e) {
                throw FileErrors.translate(call, path, e);
            }
        }, false, null);
    }

    @Override
    public String toString() {
        return "io_uring file " + path + " (fd " + fd + ")";
    }
}
