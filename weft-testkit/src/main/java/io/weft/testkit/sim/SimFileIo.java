package io.weft.testkit.sim;

import io.weft.file.FileException;
import io.weft.file.FileOption;
import io.weft.file.FileStat;
import io.weft.future.Promise;
import io.weft.internal.file.FileHandle;
import io.weft.internal.file.FileIo;
import io.weft.internal.file.FreshBuffer;
import io.weft.loop.EventLoop;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The file backend of a simulated loop ({@link SimDriver#fileIo()}), over its host's
 * {@link SimFileSystem}: completion-shaped as the pool and the ring are. Each operation is an
 * event at a drawn delay; the event does the work on the in-memory tree (so what another
 * operation sees depends on which finished first, as on a disk) and hands the outcome to the
 * driver, which settles the promise in the loop's next turn, as a ring's completion would be.
 *
 * <p>Simulation's thread only.
 */
final class SimFileIo implements FileIo {
    /** Bytes per step of a whole-file copy, as the pool's native calls. */
    static final int COPY_CALL = 16 << 20;
    /** Bytes between a copy's progress reports, as on the pool. */
    static final long PROGRESS_EVERY = 64L << 20;

    /** Work done at an event; it fails as the real backends do. */
    interface Work<T> {
        T run() throws FileException;
    }

    private final SimDriver driver;
    private final Simulation sim;
    private final SimFileSystem fs;

    SimFileIo(SimDriver driver) {
        this.driver = driver;
        this.sim = driver.sim();
        this.fs = driver.host().files();
    }

    Simulation sim() {
        return sim;
    }

    SimFileSystem fs() {
        return fs;
    }

    /** A drawn operation delay. */
    long latency() {
        DiskFaults f = fs.faults();
        return sim.random().between(f.minLatency().toNanos(), f.maxLatency().toNanos());
    }

    /** A drawn fsync delay. */
    long syncLatency() {
        DiskFaults f = fs.faults();
        return sim.random().between(f.minSync().toNanos(), f.maxSync().toNanos());
    }

    /** Runs {@code action} {@code delay} from now, between loop turns. */
    void at(long delay, Runnable action) {
        sim.events().at(sim.now() + delay, action);
    }

    /**
     * {@code work} as one operation {@code delay} from now, settling a new promise of {@code loop}
     * in its next turn after that; a promise cancelled before then does no work (as a pool task
     * still queued never runs).
     */
    <T> Promise<T> later(EventLoop loop, String call, long delay, Work<T> work) {
        Promise<T> p = loop.newPromise();
        at(delay, () -> {
            if (p.isDone()) {
                return;
            }
            sim.trace().event(sim.now(), "file-" + call);
            T value;
            try {
                value = work.run();
            } catch (FileException | RuntimeException e) {
                settle(p, null, e);
                return;
            }
            settle(p, value, null);
        });
        return p;
    }

    /** Settles {@code p} on its loop, in the loop's next turn. */
    <T> void settle(Promise<T> p, T value, Throwable failure) {
        driver.complete(() -> {
            if (failure != null) {
                p.fail(failure);
            } else if (!p.complete(value) && value instanceof SimFileHandle opened) {
                opened.closeNow(); // the open was cancelled after it was done: nobody will close it
            }
        });
    }

    @Override
    public Promise<FileHandle> open(EventLoop loop, Path path, Set<FileOption> options) {
        return later(loop, "open", latency(), () -> new SimFileHandle(this, loop, path, fs.open("open", path, options),
                options, fs.generation()));
    }

    @Override
    public Promise<FileStat> stat(EventLoop loop, Path path, boolean followLinks) {
        return later(loop, "stat", latency(), () -> fs.stat("stat", path)); // no links: lstat is stat
    }

    @Override
    public Promise<List<Path>> list(EventLoop loop, Path directory) {
        return later(loop, "list", latency(), () -> fs.list("list", directory));
    }

    @Override
    public Promise<List<FileStat>> listStats(EventLoop loop, Path directory) {
        return later(loop, "listStats", latency(), () -> {
            List<FileStat> out = new ArrayList<>();
            for (Path p : fs.list("list", directory)) {
                out.add(fs.stat("stat", p));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public Promise<Void> delete(EventLoop loop, Path path) {
        return later(loop, "delete", latency(), () -> {
            fs.delete("delete", path);
            return null;
        });
    }

    @Override
    public Promise<Void> rename(EventLoop loop, Path from, Path to) {
        return later(loop, "rename", latency(), () -> {
            fs.rename("rename", from, to);
            return null;
        });
    }

    @Override
    public Promise<Void> mkdirs(EventLoop loop, Path directory) {
        return later(loop, "mkdirs", latency(), () -> {
            fs.mkdirs(directory);
            return null;
        });
    }

    /**
     * Opens both files in one event, then copies {@link #COPY_CALL} bytes per event, reporting
     * progress every {@link #PROGRESS_EVERY} bytes and at the end (each report in the loop's turn
     * before the result's); cancelling stops it before its next step, and a progress callback
     * that throws stops and fails it, as on the pool.
     */
    @Override
    public Promise<Long> copy(EventLoop loop, Path source, Path target, LongConsumer progress) {
        Promise<Long> result = loop.newPromise();
        Throwable[] progressFailure = new Throwable[1];
        at(latency(), () -> {
            if (result.isDone()) {
                return;
            }
            sim.trace().event(sim.now(), "file-copy");
            SimFileSystem.Data from;
            SimFileSystem.Data to;
            try {
                from = fs.open("copy", source, EnumSet.of(FileOption.READ));
                if (fs.same(source, target)) {
                    throw new FileException("copy", target, "is the same file as " + source + "; nothing was copied", null);
                }
                to = fs.open("copy", target, EnumSet.of(FileOption.WRITE, FileOption.CREATE, FileOption.TRUNCATE));
            } catch (FileException e) {
                settle(result, null, e);
                return;
            }
            copyStep(result, from, to, target, 0, 0, progress, progressFailure);
        });
        return result;
    }

    private void copyStep(Promise<Long> result, SimFileSystem.Data from, SimFileSystem.Data to, Path target,
            long copied, long reported, LongConsumer progress, Throwable[] progressFailure) {
        at(latency(), () -> {
            if (progressFailure[0] != null) {
                settle(result, null, new IllegalStateException("the copy's progress callback threw; the copy stopped",
                        progressFailure[0]));
                return;
            }
            if (result.isDone()) {
                return; // cancelled: stop before this step
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(0, Math.min(COPY_CALL, from.size - copied)));
            from.read(copied, chunk, chunk.remaining());
            chunk.flip();
            int n = 0;
            try {
                while (chunk.hasRemaining()) { // a write short of room is followed by one that fails
                    n += to.write("copy", target, copied + n, chunk, chunk.remaining());
                }
            } catch (FileException e) {
                settle(result, null, e);
                return;
            }
            sim.trace().event(sim.now(), "file-copied", n);
            long now = copied + n;
            boolean end = now >= from.size;
            long told = reported;
            if (progress != null && now > reported && (end || now / PROGRESS_EVERY > reported / PROGRESS_EVERY)) {
                told = now;
                driver.complete(() -> {
                    try {
                        progress.accept(now);
                    } catch (RuntimeException | Error e) {
                        progressFailure[0] = e;
                    }
                });
            }
            if (end) {
                driver.complete(() -> {
                    if (progressFailure[0] != null) {
                        result.fail(new IllegalStateException("the copy's progress callback threw; the copy stopped",
                                progressFailure[0]));
                    } else {
                        result.complete(now);
                    }
                });
                return;
            }
            copyStep(result, from, to, target, now, told, progress, progressFailure);
        });
    }

    @Override
    public Promise<FreshBuffer> allocate(EventLoop loop, int capacity, int alignment) {
        return later(loop, "allocate", 0, () -> new FreshBuffer(ByteBuffer.allocateDirect(capacity), () -> { }));
    }

    @Override
    public Promise<byte[]> newArray(EventLoop loop, int length) {
        return later(loop, "newArray", 0, () -> new byte[length]); // no other thread under simulation
    }
}
