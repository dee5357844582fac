package io.weft.internal.file.pool;

import io.weft.future.Promise;
import io.weft.internal.offload.OffloadPool;
import io.weft.internal.sys.Sys;
import io.weft.loop.EventLoop;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A whole-file copy as one task on the offload pool: open both files, copy in bounded native
 * calls until the source ends, close both. The loop hears only the outcome, and progress.
 *
 * <p>Why one task and not one per step: every hand-off between the pool and the loop waits for
 * each thread to get a core, and on a loaded machine that wait (milliseconds to tens of them)
 * times sixteen steps per GiB was the difference between this copy and {@code cp}'s single
 * {@code copy_file_range} call (docs/benchmarks.md, "Files"). One thread copying, as {@code cp}
 * does: from the page cache two threads did not copy faster on this machine (measured in C).
 *
 * <p>Progress: after every {@value #PROGRESS_EVERY} bytes the pool thread hands the count to the
 * loop without waiting for it; while one such report is still queued no other is made, so a slow
 * loop sees fewer, later reports, never a backlog; the last count is always reported before
 * the promise settles, and nothing is reported once the copy was cancelled. An exception from {@code progress} stops the copy and fails it, if it is
 * still running.
 *
 * <p>Cancelling the promise stops the copy within one native call of at most
 * {@link NativeCopyEnds#CALL} bytes (the task looks at a flag between its calls), then closes both
 * files; the target keeps the bytes copied so far. A copy that ends any other way settles its
 * promise only after both files are closed.
 */
public final class PoolCopy {
    /** Bytes between progress reports (16 per GiB). */
    static final long PROGRESS_EVERY = 64L << 20;

    private PoolCopy() {
    }

    /**
     * Copies {@code source} to {@code target} (created, or truncated); the promise gives the
     * bytes copied. {@code progress}, if not null, hears the bytes copied so far, on the loop.
     * Any thread.
     */
    public static Promise<Long> start(EventLoop loop, Path source, Path target, LongConsumer progress) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean reportQueued = new AtomicBoolean();
        AtomicLong reported = new AtomicLong();
        Throwable[] progressFailure = new Throwable[1]; // written on the loop, read after stop is seen
        boolean raw = Sys.probe().ok();
        Promise<Long> result = OffloadPool.forLoop(loop).submit(loop, () -> {
            CopyEnds ends = raw ? NativeCopyEnds.open(source, target) : ChannelCopyEnds.open(source, target);
            long copied = 0;
            try {
                while (!stop.get()) {
                    long n = ends.step(PROGRESS_EVERY, stop::get);
                    copied += n;
                    reported.set(copied); // before the CAS: a report still queued reads the latest count
                    if (progress != null && n > 0 && !stop.get() && reportQueued.compareAndSet(false, true)) {
                        loop.execute(() -> {
                            reportQueued.set(false);
                            try {
                                progress.accept(reported.get());
                            } catch (RuntimeException | Error e) {
                                synchronized (progressFailure) {
                                    progressFailure[0] = e;
                                }
                                stop.set(true);
                            }
                        });
                    }
                    if (n < PROGRESS_EVERY && !stop.get()) {
                        break; // the end of the source
                    }
                }
            } finally {
                ends.close();
            }
            synchronized (progressFailure) {
                if (progressFailure[0] != null) {
                    throw new IllegalStateException("the copy's progress callback threw; the copy stopped", progressFailure[0]);
                }
            }
            if (stop.get()) {
                throw new CancellationException("copy cancelled");
            }
            return copied;
        }, false, null);
        result.onCancel(() -> stop.set(true));
        return result;
    }
}
