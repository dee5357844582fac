package io.weft.internal.file.uring;

import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lstat of each of a directory's entries through the ring: one STATX per entry, at most
 * {@link #IN_FLIGHT} in the kernel at once (the kernel runs them on io-wq workers; the loop only
 * submits and reaps, so it stays free for timers and sockets between completions). Entries gone
 * since the listing are left out; results keep the listing's order.
 *
 * <p>Loop thread only.
 */
final class RingStats {
    /** STATX operations in flight at once: enough to keep the workers busy, few enough to leave the SQ to sockets. */
    static final int IN_FLIGHT = 64;

    private final UringFileIo io;
    private final List<Path> paths;
    private final FileStat[] stats;
    private final Promise<List<FileStat>> result;
    private int next;
    private int running;
    private Throwable failure;

    private RingStats(UringFileIo io, EventLoop loop, List<Path> paths) {
        this.io = io;
        this.paths = paths;
        this.stats = new FileStat[paths.size()];
        this.result = loop.newPromise();
        this.inFlight = Integer.getInteger("weft.uring.statsInFlight", IN_FLIGHT);
    }

    private final int inFlight;

    static Promise<List<FileStat>> start(UringFileIo io, EventLoop loop, List<Path> paths) {
        RingStats s = new RingStats(io, loop, paths);
        s.fill();
        s.finishIfDone();
        return s.result;
    }

    private void fill() {
        while (running < inFlight && next < paths.size() && failure == null && !result.isDone()) {
            int index = next++;
            running++;
            Promise<FileStat> one = result.loop().newPromise();
            io.stat(paths.get(index), false, one, true);
            one.whenComplete((st, e) -> {
                running--;
                if (e != null) {
                    failure = failure == null ? e : failure;
                } else {
                    stats[index] = st;
                }
                fill();
                finishIfDone();
            });
        }
    }

    private void finishIfDone() {
        if (running > 0 || (next < paths.size() && failure == null && !result.isDone())) {
            return;
        }
        if (failure != null) {
            result.fail(failure);
        } else if (!result.isDone()) {
            List<FileStat> all = new ArrayList<>(stats.length);
            Arrays.stream(stats).filter(java.util.Objects::nonNull).forEach(all::add);
            result.complete(List.copyOf(all));
        }
    }
}
