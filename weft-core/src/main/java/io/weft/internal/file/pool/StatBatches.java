package io.weft.internal.file.pool;

import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.internal.offload.OffloadPool;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stats a directory's entries in batches: one pool task per {@value #BATCH} entries, at most
 * {@link #IN_FLIGHT} tasks at once (half the cores, at least one), one completion on the loop
 * per batch.
 *
 * <p>Why batches and a bound (docs/benchmarks.md, "Files"): a {@code stat} of a cached inode
 * takes a few microseconds, so one task per entry spends more on handing tasks to the pool and
 * results to the loop than on the calls, and 64 of them in flight keep every pool thread busy:
 * on two cores eight busy pool threads left the loop thread waiting for a core (timer lag p99
 * 35 ms). With at most half the cores' worth of tasks in flight the pool leaves the other
 * half to the loops, and the loop wakes once per {@value #BATCH} entries.
 *
 * <p>Loop thread for the bookkeeping; each batch's body runs on a pool thread and touches only
 * its own slice of the paths and its own result list.
 */
final class StatBatches {
    static final int BATCH = 256;
    static final int IN_FLIGHT = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final EventLoop loop;
    private final Path directory;
    private final List<Path> paths;
    private final List<List<FileStat>> batches;
    private final Promise<List<FileStat>> result;
    private int next;
    private int running;
    private Throwable failure;

    private StatBatches(EventLoop loop, Path directory, List<Path> paths) {
        this.loop = loop;
        this.directory = directory;
        this.paths = paths;
        int n = (paths.size() + BATCH - 1) / BATCH;
        this.batches = new ArrayList<>(java.util.Collections.nCopies(n, null));
        this.result = loop.newPromise();
    }

    /** The stats of {@code paths} (entries of {@code directory}), in their order; entries gone meanwhile are left out. Loop thread. */
    static Promise<List<FileStat>> start(EventLoop loop, Path directory, List<Path> paths) {
        StatBatches s = new StatBatches(loop, directory, paths);
        s.fill();
        return s.result;
    }

    private void fill() {
        while (running < IN_FLIGHT && next < batches.size() && failure == null && !result.isDone()) {
            int index = next++;
            List<Path> slice = paths.subList(index * BATCH, Math.min(paths.size(), (index + 1) * BATCH));
            running++;
            PoolFileIo.run(loop, "stat", directory, () -> statAll(slice)).whenComplete((stats, e) -> {
                running--;
                if (e != null) {
                    failure = failure == null ? e : failure;
                } else {
                    batches.set(index, stats);
                }
                fill();
                finishIfDone();
            });
        }
        finishIfDone();
    }

    private void finishIfDone() {
        if (running > 0 || (next < batches.size() && failure == null && !result.isDone())) {
            return;
        }
        if (failure != null) {
            result.fail(failure);
            return;
        }
        if (result.isDone()) {
            return; // cancelled
        }
        List<FileStat> all = new ArrayList<>(paths.size());
        batches.forEach(all::addAll);
        result.complete(List.copyOf(all));
    }

    /** On a pool thread: lstat each path; one that vanished since the listing is left out. */
    private static List<FileStat> statAll(List<Path> slice) throws IOException {
        List<FileStat> out = new ArrayList<>(slice.size());
        for (Path p : slice) {
            try {
                out.add(PoolFileIo.statNow(p, false));
            } catch (NoSuchFileException gone) {
                // deleted between the listing and now: not an entry any more
            } catch (IOException e) {
                throw io.weft.internal.file.FileErrors.translate("stat", p, e);
            }
        }
        return out;
    }
}
