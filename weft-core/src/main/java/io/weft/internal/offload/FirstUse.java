package io.weft.internal.offload;

import io.weft.file.AsyncFile;
import io.weft.internal.file.FileIos;
import io.weft.internal.file.uring.UringFileIo;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a process's first file operation would otherwise do on its loop's thread, done ahead of
 * it on a thread of its own when the first loop that runs itself opens: create the offload pool
 * and start its threads, link {@code io.weft.internal.sys.Io}'s downcall handles (native
 * loops only: epoll's waker reads its eventfd through them), load and initialise the
 * classes of the loop's file backend, and run one small {@code listStats} on a private loop of
 * the same backend so that the path's call sites are linked ({@link #rehearse}).
 *
 * <p>Why: measured with {@code -Xlog:class+load} and thread ids, the first
 * {@code AsyncFile.listStats} of a cold process held its loop for 50 to 65 ms linking
 * {@code Io} (fourteen downcall stubs, at the first wakeup from the pool), about 17 ms creating
 * the pool, and more loading the backend's classes: a 1 ms timer's p99 lag was 30 to 39 ms on
 * epoll and 16 ms on NIO, where warm it is under 10 ms. Started here, all of that runs while the
 * program is still setting up. See docs/benchmarks.md, "Files, stop 19", for the numbers with
 * and without.
 *
 * <p>Cost: this thread's CPU once per process, whether or not the program ever touches a file
 * (measured by weft-bench/files/run-first-use.sh; docs/benchmarks.md, "Cold listStats lag, stop
 * 22"), a private loop's descriptors while it runs, and the pool's idle threads, which exit after
 * {@value OffloadPool#KEEP_ALIVE_SECONDS} s without work. {@code -Dweft.firstUse=false} turns
 * it off ({@code -Dweft.firstUse.rehearse=false} only the rehearsal). A loop under a simulation ({@code LoopHost}) does not start it.
 *
 * <p>Threads: {@link #loopOpened} from any thread; the work runs once, on a daemon thread.
 */
public final class FirstUse {
    /**
     * The classes the offload backend's first listing, stat and read load on the loop's thread,
     * by name: several are package-private to their backends. A name that no longer resolves is
     * recorded in {@link #missing()} (a test checks it stays empty).
     */
    private static final String[] POOL_CLASSES = {
        "io.weft.file.AsyncFile", "io.weft.file.FileStat", "io.weft.file.FileStat$Type", "io.weft.file.FileOption",
        "io.weft.internal.file.FileErrors", "io.weft.internal.file.ChunkedRead",
        "io.weft.internal.file.pool.PoolFileIo", "io.weft.internal.file.pool.PoolFileHandle",
        "io.weft.internal.file.pool.StatBatches", "io.weft.internal.offload.OffloadPool$Job",
    };
    /** What the ring backend adds: it lists on the pool and stats, opens and reads through the ring. */
    private static final String[] URING_CLASSES = {
        "io.weft.internal.file.uring.UringFileIo", "io.weft.internal.file.uring.UringFileHandle",
        "io.weft.internal.file.uring.Statx", "io.weft.internal.file.uring.RingStats",
    };
    private static final String IO = "io.weft.internal.sys.Io";

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final CountDownLatch DONE = new CountDownLatch(1);
    private static final List<String> MISSING = new ArrayList<>(); // written by the one thread before DONE

    private FirstUse() {
    }

    /**
     * {@code loop}, which runs itself (no simulation host), has just opened: the first such loop of
     * the process starts the preparation thread, unless {@code -Dweft.firstUse=false}.
     */
    public static void loopOpened(EventLoop loop) {
        if ("false".equals(System.getProperty("weft.firstUse")) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().daemon().name("weft-first-use").start(() -> {
            try {
                prepare(loop);
            } finally {
                DONE.countDown();
            }
        });
    }

    private static void prepare(EventLoop loop) {
        OffloadPool.forLoop(loop).startThreads();
        PollerKind kind = loop.config().poller();
        if (kind == PollerKind.EPOLL || kind == PollerKind.IO_URING) {
            initialise(IO);
        }
        initialise(POOL_CLASSES);
        if (FileIos.forLoop(loop) instanceof UringFileIo) {
            initialise(URING_CLASSES);
        }
        if (!"false".equals(System.getProperty("weft.firstUse.rehearse"))) {
            rehearse(loop.config());
        }
    }

    /**
     * Runs a {@code listStats} and a {@code stat} once on a private loop of the same backend, of
     * the JDK's home directory (a handful of entries that every process can read, and nothing is
     * written). Loading a class is not enough: each lambda and method reference in the path links
     * its call site (spinning a hidden class) the first time it runs, and each downcall's
     * {@code invokeExact} site links at its first call (Io.read of the waker's eventfd, say).
     * Call sites are per class, not per loop, so doing it here once links them for every loop.
     * Measured with a stack sampler on the loop thread (docs/benchmarks.md, "Cold listStats lag,
     * stop 22"): without it a cold listStats held its loop in that linking for 10 to 145 ms.
     */
    private static void rehearse(LoopConfig asked) {
        LoopConfig config = LoopConfig.builder().poller(asked.poller()).offloadThreads(asked.offloadThreads())
                .threadName("weft-first-use").build();
        Path home = Path.of(System.getProperty("java.home"));
        try (EventLoop own = EventLoop.create(config)) {
            own.runUntilComplete(AsyncFile.listStats(own, home));
            own.runUntilComplete(AsyncFile.stat(own, home));
        } catch (RuntimeException | LinkageError e) {
            // Not fatal: the program's own first call links the same sites (or fails, and says why).
            MISSING.add("rehearsal on " + asked.poller() + ": " + e);
        }
    }

    private static void initialise(String... names) {
        ClassLoader loader = FirstUse.class.getClassLoader();
        for (String name : names) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Not fatal: the class loads (or fails, and says why) where it is first used.
                MISSING.add(name + ": " + e);
            }
        }
    }

    /**
     * Waits until the preparation started by a loop has finished (for tests); false if none was
     * started (turned off, or no loop opened) or it is still running after {@code millis}.
     */
    static boolean awaitDone(long millis) throws InterruptedException {
        return STARTED.get() && DONE.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Every class name this may initialise, for a test that they all still resolve. */
    static List<String> classNames() {
        List<String> all = new ArrayList<>(List.of(POOL_CLASSES));
        all.addAll(List.of(URING_CLASSES));
        all.add(IO);
        return all;
    }

    /** Class names that did not resolve, with why; read after {@link #awaitDone}. */
    static List<String> missing() {
        return List.copyOf(MISSING);
    }
}
