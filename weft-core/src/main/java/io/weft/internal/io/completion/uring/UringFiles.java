package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.loop.Loop;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.UringLayout;
import io.weft.loop.EventLoop;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * File operations on a loop's ring: read, write, fsync, openat, statx and close as SQEs, each
 * completing a {@link Done} in the loop's run phase with the CQE's result. The file backend
 * above ({@code io.weft.internal.file.uring}) turns those into promises; this class knows
 * descriptors, addresses and results only.
 *
 * <p><b>Who owns the memory</b>: the buffer (or path, or statx struct) an operation names is the
 * kernel's from the SQE until its CQE. An operation may carry an {@link Arena} of its own (a
 * path, a statx buffer, a bounce buffer for a heap array); the arena is closed only after the
 * CQE came and {@link Done} ran, never before, also when the operation was cancelled. A caller
 * that names memory it does not hand over in an arena (a direct buffer) keeps that memory
 * reachable and untouched until {@link Done} runs.
 *
 * <p><b>Cancelling</b>: {@link Op#cancel()} queues an ASYNC_CANCEL for the operation; the
 * operation's own CQE still comes (with {@code -ECANCELED}, or its full result when it had
 * already finished or is a buffered read that an io-wq worker is in the middle of), and only
 * then does {@link Done} run. <b>Closing the loop</b> cancels every operation still in the kernel
 * (a read of a FIFO with no writer would otherwise never end) and closes the descriptors opened
 * here that nobody closed; the driver then drains their completions before it unmaps anything,
 * and the arenas of operations whose {@link Done} will never run are closed at their CQE.
 *
 * <p><b>Blocking in the kernel</b>: buffered reads and writes of regular files may be punted to
 * io-wq workers (kernel threads) when the page cache cannot serve them at once, and openat and
 * statx always run there; the loop's thread never blocks on any of them.
 *
 * <p>Threading: the loop's thread only ({@link #of} may be called from any thread).
 */
public final class UringFiles {
    /** Kind tag of file operations in user_data's top byte: the driver routes CQEs by slot, so this only names them. */
    static final int OP_FILE = 32;

    /** The opcodes the ring file backend needs, all in Linux 5.6; without any of them files go to the offload pool. */
    static final int[] OPCODES = {UringLayout.OP_READ, UringLayout.OP_WRITE, UringLayout.OP_FSYNC,
        UringLayout.OP_OPENAT, UringLayout.OP_CLOSE, UringLayout.OP_STATX};

    /** linux/fcntl.h AT_FDCWD: a relative path is resolved against the process's working directory. */
    public static final int AT_FDCWD = -100;

    /** What an operation's CQE result is handed to, in the loop's run phase. */
    public interface Done {
        /** @param res the CQE's result: bytes, a descriptor, 0, or {@code -errno} ({@code -ECANCELED} if cancelled in time) */
        void done(int res);
    }

    private final UringDriver driver;
    private final EventLoop loop;
    private final boolean available;
    private final String why;
    /** Operations whose CQE has not come yet. Loop thread. */
    private final Set<Op> inKernel = new HashSet<>();
    /** Descriptors opened by {@link #openat} and not yet handed to {@link #close}. Loop thread. */
    private final Set<Integer> descriptors = new HashSet<>();
    private boolean hooked;

    private UringFiles(UringDriver driver, EventLoop loop, boolean available, String why) {
        this.driver = driver;
        this.loop = loop;
        this.available = available;
        this.why = why;
    }

    /**
     * Probes {@link #OPCODES} on the driver's new ring (on the thread that opens the driver,
     * before the ring is bound to the loop's thread). {@code -Dweft.uring.files=false} keeps
     * files on the offload pool even where the ring could do them (for comparisons).
     */
    static UringFiles probe(UringDriver driver, EventLoop loop) {
        String why;
        try {
            List<String> missing = driver.ring.unsupported(driver.cs, OPCODES);
            why = missing.isEmpty() ? null : "io_uring lacks the file opcodes " + missing;
        } catch (IOException | RuntimeException e) {
            why = "probing io_uring's file opcodes failed: " + e.getMessage();
        }
        if (why == null && "false".equals(System.getProperty("weft.uring.files"))) {
            why = "-Dweft.uring.files=false";
        }
        return new UringFiles(driver, loop, why == null, why);
    }

    /**
     * The ring file operations of {@code loop}, or null when its driver is not io_uring or its
     * ring lacks one of {@link #OPCODES}. Any thread.
     */
    public static UringFiles of(EventLoop loop) {
        if (loop instanceof Loop l && l.driver() instanceof UringDriver d && d.files() != null && d.files().available) {
            return d.files();
        }
        return null;
    }

    /** Why files do not go through this ring (null if they do): for {@code weft info}. */
    public String unavailableBecause() {
        return why;
    }

    public EventLoop loop() {
        return loop;
    }

    // ---- operations (loop thread) ----

    /**
     * {@code pread(fd, address, length, offset)}; {@code offset -1}: at the file's offset,
     * advancing it. With {@code async} (IOSQE_ASYNC) the kernel hands the read to an io-wq worker
     * at once instead of first trying it inside the loop's {@code io_uring_enter}: for large reads,
     * whose copy from the page cache would otherwise run on the loop's thread, one after another.
     */
    public Op read(int fd, long address, int length, long offset, boolean async, Arena owned, Done done) {
        Op op = submit(UringLayout.OP_READ, fd, address, length, offset, 0, owned, done);
        if (async) {
            driver.ring.sqeFlags(op.at, UringLayout.IOSQE_ASYNC);
        }
        return op;
    }

    /** {@code pwrite(fd, address, length, offset)}; {@code offset -1}: at the file's offset (its end with O_APPEND); {@code async} as for {@link #read}. */
    public Op write(int fd, long address, int length, long offset, boolean async, Arena owned, Done done) {
        Op op = submit(UringLayout.OP_WRITE, fd, address, length, offset, 0, owned, done);
        if (async) {
            driver.ring.sqeFlags(op.at, UringLayout.IOSQE_ASYNC);
        }
        return op;
    }

    /** {@code fsync(fd)}, or {@code fdatasync(fd)} without {@code metadata}. */
    public Op fsync(int fd, boolean metadata, Done done) {
        return submit(UringLayout.OP_FSYNC, fd, 0, 0, 0, metadata ? 0 : UringLayout.FSYNC_DATASYNC, null, done);
    }

    /**
     * {@code openat(AT_FDCWD, path, flags, mode)}; the descriptor (the result, if not negative)
     * is tracked as open until {@link #close} is asked for it, so that a loop closing closes it.
     *
     * @param path a NUL-terminated name in {@code owned}
     */
    public Op openat(MemorySegment path, int flags, int mode, Arena owned, Done done) {
        return submit(UringLayout.OP_OPENAT, AT_FDCWD, path.address(), mode, 0, flags, owned, res -> {
            if (res >= 0) {
                descriptors.add(res);
            }
            done.done(res);
        });
    }

    /**
     * {@code statx(dirfd, path, flags, mask, buffer)}: {@code dirfd} {@link #AT_FDCWD} with a
     * path, or an open descriptor with an empty path and {@code AT_EMPTY_PATH}.
     *
     * @param path   a NUL-terminated name in {@code owned}
     * @param buffer a {@code struct statx} (256 bytes) in {@code owned}
     */
    public Op statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buffer, Arena owned, Done done) {
        return submit(UringLayout.OP_STATX, dirfd, path.address(), mask, buffer.address(), flags, owned, done);
    }

    /** {@code close(fd)} through the ring; {@code fd} is no longer this loop's to close at its end. */
    public Op close(int fd, Done done) {
        descriptors.remove(fd);
        return submit(UringLayout.OP_CLOSE, fd, 0, 0, 0, 0, null, done);
    }

    /**
     * {@code fd}, which was opened here, will never go to {@link #close}: closed now with
     * {@code close(2)} (for a descriptor nobody was handed, a directory opened by mistake).
     */
    public void closeNow(int fd) {
        if (descriptors.remove(fd)) {
            Fd.close(driver.cs, fd);
        }
    }

    private Op submit(int opcode, int fd, long addr, int len, long off, int opFlags, Arena owned, Done done) {
        if (driver.isClosed()) {
            if (owned != null) {
                owned.close();
            }
            throw new IllegalStateException("the loop's io_uring ring is closed: open files on a loop that is running");
        }
        if (!hooked) {
            hooked = true;
            ((Loop) loop).onClose(this::loopClosing);
        }
        Op op = new Op(owned, done);
        long at = driver.sqe();
        op.at = at;
        driver.ring.prep(at, opcode, fd, addr, len, off, op.tag);
        if (opFlags != 0) {
            driver.ring.sqeOpFlags(at, opFlags);
        }
        inKernel.add(op);
        return op;
    }

    /** The loop is closing: ask the kernel to cancel what is left, and close the descriptors nobody closed. */
    private void loopClosing() {
        for (Op op : new ArrayList<>(inKernel)) {
            op.cancel();
        }
        for (int fd : new ArrayList<>(descriptors)) {
            Fd.close(driver.cs, fd);
        }
        descriptors.clear();
    }

    /** Operations in the kernel now, for tests. Loop thread. */
    public int inFlight() {
        return inKernel.size();
    }

    /** Descriptors opened here and not yet closed, for tests. Loop thread. */
    public int openDescriptors() {
        return descriptors.size();
    }

    /** One operation in the kernel: its slot, its memory, and what to tell when its CQE comes. */
    public final class Op implements Completion {
        private final int slot;
        private final long tag;
        private final Arena owned;
        private final Done done;
        private final Task task = new Task(this::deliver, null);
        /** The SQE's offset, valid until the next enter (for flags set after prep). */
        private long at;
        private boolean completed;
        private boolean cancelAsked;
        private int res;

        private Op(Arena owned, Done done) {
            this.owned = owned;
            this.done = done;
            this.slot = driver.register(this);
            this.tag = driver.userData(slot, OP_FILE);
        }

        /**
         * Asks the kernel to cancel this operation (ASYNC_CANCEL, sent with the next enter).
         * {@link Done} still runs once, when the operation's own CQE comes. Loop thread;
         * nothing if it completed already or was asked before.
         */
        public void cancel() {
            if (!completed && !cancelAsked && !driver.isClosed()) {
                cancelAsked = true;
                driver.cancel(tag);
            }
        }

        @Override
        public void complete(int op, int result, int flags) {
            completed = true;
            res = result;
            driver.release(slot);
            inKernel.remove(this);
            if (driver.isClosed()) {
                // Draining at close: the run phase is over and Done will never run.
                closeOwned();
                return;
            }
            driver.queue(task);
        }

        private void deliver() {
            try {
                done.done(res);
            } finally {
                closeOwned();
            }
        }

        private void closeOwned() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (WrongThreadException elsewhere) {
                    // A loop closed from a thread other than its own reaped this (only a ring
                    // without SINGLE_ISSUER lets that thread in): the confined arena cannot be
                    // closed here, and stays allocated rather than freed under anybody.
                }
            }
        }
    }
}
