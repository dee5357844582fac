package io.weft.internal.file.pool;

import io.weft.future.Promise;
import io.weft.internal.offload.OffloadPool;
import io.weft.internal.sys.Sys;
import io.weft.loop.EventLoop;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * A whole-file copy on the offload pool, one step of {@value #STEP} bytes at a time: open both
 * files (one task), then steps until the source ends, then close both (one task). Between steps
 * the loop reports progress and looks whether the copy was cancelled.
 *
 * <p>One step at a time, not several in flight: {@code copy_file_range} from the page cache is
 * one kernel copy that two threads do not speed up on this machine (measured in C, 1, 2 and 4
 * threads: docs/benchmarks.md, "Files"), and one at a time keeps the offsets simple (both files'
 * own, as {@code cp} uses them).
 *
 * <p>Cancelling the promise stops the copy within one native call of at most
 * {@link NativeCopyEnds#CALL} bytes (the running step looks at a flag between its calls; no new
 * step starts), then closes both files; the target keeps the bytes copied so far. The promise
 * of a copy that ends any other way settles only after both files are closed.
 *
 * <p>Loop thread for everything but the tasks' bodies, which run on the pool; {@code stopped}
 * is the one field both sides touch.
 */
public final class PoolCopy {
    /** Bytes per pool task: the progress and cancellation grain on the loop (16 tasks per GiB). */
    static final long STEP = 64L << 20;

    private final EventLoop loop;
    private final Path source;
    private final LongConsumer progress;
    private final Promise<Long> result;
    private volatile boolean stopped;
    private CopyEnds ends;
    private long copied;

    private PoolCopy(EventLoop loop, Path source, LongConsumer progress) {
        this.loop = loop;
        this.source = source;
        this.progress = progress;
        this.result = loop.newPromise();
    }

    /**
     * Copies {@code source} to {@code target} (created, or truncated); the promise gives the
     * bytes copied. {@code progress}, if not null, hears the bytes copied so far after each step,
     * on the loop. Any thread.
     */
    public static Promise<Long> start(EventLoop loop, Path source, Path target, LongConsumer progress) {
        PoolCopy c = new PoolCopy(loop, source, progress);
        c.result.onCancel(() -> c.stopped = true);
        boolean raw = Sys.probe().ok();
        OffloadPool.forLoop(loop).<CopyEnds>submit(loop,
                () -> raw ? NativeCopyEnds.open(source, target) : ChannelCopyEnds.open(source, target),
                false, CopyEnds::close).whenComplete((ends, e) -> {
                    if (e != null) {
                        c.result.fail(e); // nothing is open
                    } else {
                        c.ends = ends;
                        c.next();
                    }
                });
        return c.result;
    }

    private void next() {
        if (stopped) {
            finish(null);
            return;
        }
        OffloadPool.forLoop(loop).submit(loop, () -> ends.step(STEP, () -> stopped), false, null)
                .whenComplete((n, e) -> {
                    if (e != null) {
                        finish(e);
                        return;
                    }
                    copied += n;
                    if (progress != null && n > 0) {
                        try {
                            progress.accept(copied);
                        } catch (RuntimeException thrown) {
                            finish(thrown);
                            return;
                        }
                    }
                    if (n < STEP && !stopped) {
                        finish(null); // the end of the source
                    } else {
                        next();
                    }
                });
    }

    /** Closes both files off the loop, then settles the promise (a no-op if it was cancelled). */
    private void finish(Throwable failure) {
        CopyEnds open = ends;
        ends = null;
        OffloadPool.forLoop(loop).submit(loop, () -> {
            open.close();
            return null;
        }, false, null).whenComplete((v, e) -> {
            if (e instanceof io.weft.loop.OffloadQueueFullException) {
                open.close(); // the pool is full: close here rather than leak two descriptors
                e = null;
            }
            if (failure != null) {
                result.fail(failure);
            } else if (e != null) {
                result.fail(e);
            } else {
                result.complete(copied);
            }
        });
    }

    @Override
    public String toString() {
        return "PoolCopy[" + source + ", " + copied + " bytes]";
    }
}
