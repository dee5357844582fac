package io.weft.internal.file;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;

/**
 * Reads a byte range of a file into one buffer as several positional reads in flight at once:
 * {@code depth} reads of {@code chunk} bytes each, a new one issued as each finishes, so the
 * device always has requests queued and, on the page cache, several threads copy at once.
 *
 * <p>Chunk and depth were set by measurement (docs/benchmarks.md, "Files"): on this 2-core
 * virtio machine, 4 MiB chunks 4 deep read a cached 1 GiB file at about cat's rate and an
 * uncached one at the device's; smaller chunks cost more loop turns per byte, and more depth
 * gains nothing once the device's queue is full. These are the pool's; a backend gives its own
 * through {@link FileHandle#readChunk()} and {@link FileHandle#readDepth()} (io_uring: 2 MiB x 4,
 * docs/benchmarks.md, "Files on io_uring").
 *
 * <p>Stopping: once {@code stop} is set (the caller cancelled), no further read is issued, and
 * a read still queued on the pool does not start; the reads already running end first. The
 * result then fails with {@link java.util.concurrent.CancellationException}.
 *
 * <p>Loop thread only: every callback here runs on the loop, so the state needs no lock. The
 * result settles only after every read it issued has settled, because until then a backend may
 * still write into the buffer; {@code whenQuiet} runs at that point too, even if the result was
 * cancelled first.
 */
public final class ChunkedRead {
    /** Bytes per positional read on the pool. */
    public static final int DEFAULT_CHUNK = 4 << 20;
    /** Reads in flight at once. */
    public static final int DEFAULT_DEPTH = 4;

    private final FileHandle file;
    private final ByteBuffer dst;
    private final int base;
    private final long length;
    private final int chunk;
    private final int depth;
    private final int alignment;
    private final Promise<Integer> result;
    private final Runnable whenQuiet;
    private final StopSignal stop;

    private long nextOffset;
    private int inFlight;
    private long end; // the first offset at which a read found the end of the file
    private Throwable failure;

    private ChunkedRead(EventLoop loop, FileHandle file, ByteBuffer dst, long length, int chunk, int depth,
            StopSignal stop, Runnable whenQuiet) {
        this.stop = stop;
        this.file = file;
        this.dst = dst;
        this.base = dst.position();
        this.length = length;
        this.alignment = file.alignment();
        this.chunk = roundUp(chunk, alignment);
        this.depth = depth;
        this.end = length;
        this.result = loop.newPromise();
        this.whenQuiet = whenQuiet;
    }

    /**
     * Reads bytes {@code [0, length)} of {@code file} into {@code dst} from its position on; the
     * promise gives the bytes read (fewer if the file shrank meanwhile), and {@code dst}'s limit
     * is then set after them. {@code dst} must have room for {@code length} rounded up to the
     * file's alignment. Loop thread.
     */
    public static Promise<Integer> start(EventLoop loop, FileHandle file, ByteBuffer dst, long length,
            int chunk, int depth, StopSignal stop, Runnable whenQuiet) {
        ChunkedRead r = new ChunkedRead(loop, file, dst, length, chunk, depth, stop, whenQuiet);
        r.fill();
        r.finishIfDone();
        return r.result;
    }

    private static long roundUpLong(long n, int alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static int roundUp(int n, int alignment) {
        return (int) roundUpLong(n, alignment);
    }

    private boolean stopped() {
        return failure != null || stop.stopped() || result.isDone();
    }

    private void fill() {
        while (inFlight < depth && nextOffset < end && !stopped()) {
            long offset = nextOffset;
            long wanted = Math.min(chunk, roundUpLong(length - offset, alignment));
            nextOffset += wanted;
            ByteBuffer slice = dst.slice(base + (int) offset, (int) Math.min(wanted, dst.capacity() - base - offset));
            issue(offset, slice);
        }
    }

    private void issue(long chunkStart, ByteBuffer slice) {
        inFlight++;
        file.read(chunkStart + slice.position(), slice, stop).whenComplete((n, e) -> {
            inFlight--;
            if (e instanceof java.util.concurrent.CancellationException) {
                // not started: stop was seen on the pool
            } else if (e != null) {
                if (failure == null) {
                    failure = e;
                }
            } else if (n < 0 || (n == 0 && alignment > 1)) {
                end = Math.min(end, chunkStart + slice.position());
            } else if (slice.hasRemaining() && chunkStart + slice.position() < end && !stopped()) {
                issue(chunkStart, slice); // a short read: the rest of this chunk
                return;
            }
            fill();
            finishIfDone();
        });
    }

    private void finishIfDone() {
        if (inFlight > 0 || (nextOffset < end && !stopped())) {
            return;
        }
        if (failure != null) {
            result.fail(failure);
        } else if (stop.stopped()) {
            result.cancel();
        } else {
            int n = (int) Math.min(end, length);
            dst.limit(base + n);
            result.complete(n);
        }
        if (whenQuiet != null) {
            whenQuiet.run();
        }
    }
}
