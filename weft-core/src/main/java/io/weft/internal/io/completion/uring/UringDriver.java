package io.weft.internal.io.completion.uring;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ChannelWatches;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.internal.io.ReadyQueue;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.IoVec;
import io.weft.internal.sys.SysErrors;
import io.weft.internal.sys.Uring;
import io.weft.internal.sys.UringLayout;
import io.weft.internal.sys.UringRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The io_uring completion driver: one ring per loop. A turn is one {@code io_uring_enter} in
 * steady state ({@link #await}): it submits every SQE the previous turn queued and waits, with
 * the turn's timeout as an EXT_ARG timespec (so timers cost no system call of their own), for at
 * least one completion. Each CQE is routed by its {@code user_data} to the {@link Completion} that
 * submitted it, which records the outcome and queues a task; callbacks run in the loop's run phase.
 *
 * <p><b>user_data</b>: {@code op << 56 | generation << 32 | slot}, 8 bits of operation kind, 24 of
 * generation, 32 of slot: an array index, no lookup. Slot 0 is the driver's own (the waker and
 * cancel requests). A slot is freed only once its owner has no operation in the kernel, so every
 * CQE finds the owner that submitted it; the generation catches a bug that breaks that.
 *
 * <p><b>Wake-ups</b>: a read of a blocking eventfd is kept armed on the ring; {@link #wakeup()}
 * (any thread) writes the eventfd, which completes the read and ends the wait.
 *
 * <p><b>Ownership of memory</b>: the provided buffers, the iovec area and the socket-address
 * slabs are the driver's (a shared arena) and are freed at {@link #close()} only after every
 * operation's completion has come back; the SQ/CQ rings are {@link UringRing}'s.
 *
 * <p><b>SINGLE_ISSUER</b>: the ring is made disabled and enabled by the first {@code await},
 * binding it to the loop's thread; the kernel refuses {@code io_uring_enter} from any other.
 *
 * <p>Threading: the loop's thread only, but for {@link #wakeup()}.
 */
public final class UringDriver implements IoDriver {
    /** SQ entries asked for; the CQ gets {@link #CQ_ENTRIES} (multishot operations post many CQEs per SQE). */
    static final int SQ_ENTRIES = 1024;
    static final int CQ_ENTRIES = 8 * SQ_ENTRIES;

    /** Operation kinds in user_data's top byte. */
    static final int OP_WAKE = 1;
    static final int OP_CANCEL = 2;
    static final int OP_RECV = 3;
    static final int OP_SEND = 4;
    static final int OP_ACCEPT = 5;
    static final int OP_CONNECT = 6;
    static final int OP_RECVMSG = 7;
    static final int OP_SENDMSG = 8;
    /** A paused socket's one-shot POLL_ADD for POLLERR|POLLHUP (see UringSocketIo's hang-up watch). */
    static final int OP_POLL = 9;
    /** The reader's and the writer's one-shot POLL_ADD of a JDK channel watched with addReader/addWriter ({@link UringReadiness}). */
    static final int OP_WATCH_READ = 10;
    static final int OP_WATCH_WRITE = 11;
    /** A splice round's operations ({@link UringSplicer}): its POLL_ADD, the splice socket to pipe, the splice pipe to socket. */
    static final int OP_SPLICE_POLL = 12;
    static final int OP_SPLICE_IN = 13;
    static final int OP_SPLICE_OUT = 14;
    /** A connection's IORING_OP_CLOSE and IORING_OP_SHUTDOWN ({@link UringSocketIo}); kinds 15-17 are the file sender's. */
    static final int OP_CLOSE_FD = 18;
    static final int OP_SHUTDOWN = 19;

    /** The opcodes this backend submits: probed by {@link UringProbe} and at open. */
    static final int[] OPCODES = {UringLayout.OP_NOP, UringLayout.OP_READ, UringLayout.OP_RECV, UringLayout.OP_SEND,
        UringLayout.OP_WRITEV, UringLayout.OP_ACCEPT, UringLayout.OP_CONNECT, UringLayout.OP_ASYNC_CANCEL,
        UringLayout.OP_RECVMSG, UringLayout.OP_SENDMSG};

    /**
     * Opcodes used when the kernel has them, probed at open: without POLL_ADD (Linux 5.1 has it,
     * so only a filtered ring lacks it) a reset while reading is paused is heard on resume only,
     * and {@code addReader}/{@code addWriter} are refused.
     */
    static final int[] OPTIONAL_OPCODES = {UringLayout.OP_POLL_ADD};

    /** Whether paused sockets keep a POLL_ADD for POLLERR|POLLHUP armed ({@link #OPTIONAL_OPCODES} all supported). */
    final boolean hangupPolls;

    /** Opcodes of the zero-copy relay ({@link UringSplicer}), with POLL_ADD: without them a relay copies. */
    static final int[] SPLICE_OPCODES = {UringLayout.OP_SPLICE};

    /** Whether sockets offer {@link UringSplicer} (POLL_ADD and {@link #SPLICE_OPCODES} supported). */
    final boolean splices;

    /**
     * A connection's close and half-close as SQEs, when the ring has them (CLOSE Linux 5.6,
     * SHUTDOWN 5.11; a filtered ring may lack them): then they leave in the turn's one enter and
     * cost no system call of their own. Without them, {@code close(2)} and {@code shutdown(2)}.
     */
    static final int[] CLOSE_OPCODES = {UringLayout.OP_CLOSE, UringLayout.OP_SHUTDOWN};

    /** Whether {@link #CLOSE_OPCODES} are all supported. */
    final boolean ringCloses;

    /**
     * Whether a socket's multishot receive is armed with a total ({@code UringSocketIo.RECV_LIMIT}).
     * Not probed at open: no opcode says so, only a receive can. True until a limited receive is
     * refused with EINVAL (a kernel older than 6.16), then false for the driver's life: its
     * sockets receive without a total, as before, and a paused socket may hold what one enter
     * brought. Loop thread only.
     */
    boolean recvLimits = !"false".equals(System.getProperty("weft.uring.recvLimit"));

    /** iovecs in the per-submit area: writev arrays live until the enter that consumes them (FEAT_SUBMIT_STABLE). */
    private static final int IOV_AREA = 4096;

    private final DriverContext context;
    private final ReadyQueue ready;
    /** Owned by this driver (errno and scratch of every call it makes); freed at {@link #close()}. */
    final CallState cs;
    final UringRing ring;
    /** Owned by this driver: buffers, iovec area, address slabs, the waker's counter; freed at close after the drain. */
    private final Arena arena = Arena.ofShared();
    final BufferRing buffers;
    final UringChunks chunks = new UringChunks();
    /** Peer addresses of connects in flight, from the driver's arena. */
    final AddressSlots addresses = new AddressSlots(this::allocate);
    private final UringSockets sockets;
    /** addReader/addWriter on JDK channels, by one-shot POLL_ADDs. */
    private final UringReadiness readiness;
    /** File operations on this ring (UringFiles): probed here, used by the file backend. */
    private final UringFiles files;
    private final int wakeFd;
    private final MemorySegment wakeCounter;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private boolean wakeArmed;
    private boolean enabled;
    private Thread issuer;
    private boolean closed;

    private final MemorySegment iovArea;
    private int iovUsed;

    private Completion[] slots = new Completion[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int nextSlot = 1;
    private int live;

    /** Sockets whose writes of this turn leave at its end, one gathered send each. */
    private UringSocketIo[] flushers = new UringSocketIo[64];
    private int flusherCount;
    /** Sockets whose send was queued since the last enter: after it, one still in flight was refused. */
    private UringSocketIo[] offered = new UringSocketIo[64];
    private int offeredCount;
    /** Owners that want their multishot operation armed again at the end of the turn. */
    private Runnable[] rearms = new Runnable[64];
    private int rearmCount;

    /** Send operations submitted to the ring so far, and direct sends made by writeNow, for tests and stats. */
    long sendOps;
    long directSends;
    /** close(2) and shutdown(2) calls made for connections (none while {@link #ringCloses}), for tests and stats. */
    long closeCalls;

    /** System calls a connection's close or half-close made of its own: 0 when they go through the ring. */
    public long closeCalls() {
        return closeCalls;
    }
    /** Turns ended so far; a socket compares it with the turn of its last direct send. */
    private long turn;

    long turn() {
        return turn;
    }

    /**
     * Whether a turn's first write to a socket is a direct {@code send} ({@code
     * -Dweft.uring.directSend=true}) rather than a ring send at the end of the turn. Off: measured
     * under strace on {@code weft echo}, 10,000 round trips of 1 KiB over 100 connections cost
     * the server 503 system calls with every write through the ring (all io_uring_enter) and
     * 10,514 with direct sends (10,000 sendto); see docs/benchmarks.md.
     */
    final boolean directSend;

    /**
     * Whether a turn that must not block asks the kernel to run all its deferred task work (see
     * {@link #await}); {@code -Dweft.uring.drainTaskWork=false} (a measuring switch) leaves it at
     * the kernel's 20 per enter. Measured in docs/benchmarks.md.
     */
    final boolean drainTaskWork;

    public UringDriver(DriverContext context) throws IOException {
        this.directSend = Boolean.getBoolean("weft.uring.directSend");
        this.drainTaskWork = !"false".equals(System.getProperty("weft.uring.drainTaskWork"));
        this.context = context;
        this.ready = context.ready();
        this.cs = new CallState();
        UringRing r;
        try {
            r = UringRing.open(cs, SQ_ENTRIES, CQ_ENTRIES);
        } catch (IOException | RuntimeException e) {
            cs.close();
            throw e;
        }
        this.ring = r;
        int wfd = -1;
        boolean polls;
        boolean spl;
        boolean closes;
        try {
            java.util.List<String> missing = r.unsupported(cs, OPCODES);
            if (!missing.isEmpty()) {
                throw new IOException("io_uring lacks the opcodes " + missing);
            }
            polls = r.unsupported(cs, OPTIONAL_OPCODES).isEmpty();
            spl = polls && r.unsupported(cs, SPLICE_OPCODES).isEmpty();
            closes = r.unsupported(cs, CLOSE_OPCODES).isEmpty();
            if ((r.flags() & UringLayout.SETUP_R_DISABLED) == 0) {
                // Enabled already: bound (with SINGLE_ISSUER) to this thread from now on.
                enabled = true;
                issuer = Thread.currentThread();
            }
            wfd = Uring.blockingEventFd(cs);
            if (wfd < 0) {
                throw SysErrors.exception("eventfd", -wfd);
            }
            this.buffers = new BufferRing(r, cs, arena);
        } catch (IOException | RuntimeException e) {
            if (wfd >= 0) {
                Fd.close(cs, wfd);
            }
            r.close();
            arena.close();
            cs.close();
            throw e;
        }
        this.hangupPolls = polls;
        this.splices = spl;
        // -Dweft.uring.ringClose=false: the system calls instead (a measuring and testing switch).
        this.ringCloses = closes && !"false".equals(System.getProperty("weft.uring.ringClose"));
        this.wakeFd = wfd;
        this.wakeCounter = arena.allocate(8, 8);
        this.iovArea = arena.allocate(IoVec.SIZE * IOV_AREA, 8);
        this.sockets = new UringSockets(this);
        this.readiness = new UringReadiness(this, polls ? null : "addReader/addWriter on io_uring need IORING_OP_POLL_ADD,"
                + " which this kernel's ring does not offer (IORING_REGISTER_PROBE says so; a seccomp or io_uring"
                + " filter?): make the loop with LoopConfig.builder().poller(PollerKind.EPOLL or NIO)");
        this.files = UringFiles.probe(this, context.loop());
    }

    /** This ring's file operations (see {@link UringFiles#of}). */
    UringFiles files() {
        return files;
    }

    // ---- the turn ----

    @Override
    public int await(long timeoutNanos) throws IOException {
        if (closed) {
            return 0;
        }
        if (!enabled) {
            ring.enable(cs);
            enabled = true;
            issuer = Thread.currentThread();
        }
        if (!wakeArmed) {
            armWake();
        }
        if (flusherCount > 0 || rearmCount > 0) {
            // Queued outside a turn (a write from the loop's owner between runs): their SQEs must
            // go in this enter, or it could wait for completions of operations never submitted.
            endOfTurn();
        }
        // With DEFER_TASKRUN the kernel finishes socket operations (a receive whose data came, a
        // send the socket now has room for) as task work run inside io_uring_enter, but at most
        // max(IO_LOCAL_TW_DEFAULT_MAX = 20, min_complete) items of it per call (io_uring/tw.h,
        // io_cqring_wait in io_uring/wait.c). A turn that must not block asks for more than it
        // could get, with a zero timeout (-ETIME, its normal end): all pending work runs, not 20,
        // so a busy loop hears of every connection each turn rather than 20 of them.
        boolean noWait = timeoutNanos == 0 || ring.cqReady() > 0;
        int r = noWait ? ring.submitAndWait(cs, drainTaskWork ? CQ_ENTRIES : 0, 0)
                : ring.submitAndWait(cs, 1, timeoutNanos);
        if (r >= 0 || r == -UringLayout.ETIME || r == -Errno.EINTR) {
            if (ring.unsubmitted() == 0) {
                iovUsed = 0;
            }
        } else if (r != -UringLayout.EBUSY) {
            throw enterFailed(r);
        }
        int n = reap();
        // FEAT_NODROP: completions that found the CQ full wait in the kernel's overflow list
        // (or made the enter say EBUSY); reaping made room, so enter once more to flush them.
        for (int i = 0; i < 4 && (ring.cqOverflowed() || r == -UringLayout.EBUSY); i++) {
            r = ring.submitAndWait(cs, 0, 0);
            if (r < 0 && r != -UringLayout.EBUSY && r != -Errno.EINTR) {
                throw enterFailed(r);
            }
            n += reap();
        }
        if (ring.unsubmitted() == 0) {
            for (int i = 0; i < offeredCount; i++) {
                offered[i].entered();
                offered[i] = null;
            }
            offeredCount = 0;
        }
        return n;
    }

    private IOException enterFailed(int r) {
        if (r == -UringLayout.EEXIST) {
            return new IOException("io_uring_enter: EEXIST: this loop's ring is bound (SINGLE_ISSUER) to thread '"
                    + (issuer == null ? "?" : issuer.getName()) + "', and " + Thread.currentThread().getName()
                    + " entered it; an io_uring loop must keep running on the thread that first ran it");
        }
        return SysErrors.exception("io_uring_enter", -r);
    }

    private int reap() {
        int count = ring.cqReady();
        int queuedBefore = 0;
        for (int i = 0; i < count; i++) {
            long ud = ring.cqeUserData(i);
            int res = ring.cqeRes(i);
            int flags = ring.cqeFlags(i);
            dispatch(ud, res, flags);
        }
        if (count > 0) {
            ring.cqAdvance(count);
        }
        return count + queuedBefore;
    }

    private void dispatch(long ud, int res, int flags) {
        int op = (int) (ud >>> 56);
        if (op == OP_WAKE) {
            // Drained by the read; reset the flag after, as EpollDriver explains.
            wakeArmed = false;
            wakeupPending.set(false);
            if (!closed) {
                armWake();
            }
            return;
        }
        if (op == OP_CANCEL) {
            return; // the cancelled operation's own CQE is the one that matters
        }
        int slot = (int) ud;
        int gen = (int) (ud >>> 32) & 0xFFFFFF;
        Completion c = slot > 0 && slot < slots.length ? slots[slot] : null;
        if (c == null || (generations[slot] & 0xFFFFFF) != gen) {
            if ((flags & UringLayout.CQE_F_BUFFER) != 0) {
                buffers.recycle(flags >>> UringLayout.CQE_BUFFER_SHIFT);
            }
            report("io_uring completion", new IllegalStateException("a CQE (op " + op + ", res " + res
                    + ") for slot " + slot + " that has no owner: a bug in the io_uring backend"));
            return;
        }
        c.complete(op, res, flags);
    }

    private void armWake() {
        long at = sqe();
        ring.prep(at, UringLayout.OP_READ, wakeFd, wakeCounter.address(), 8, 0, (long) OP_WAKE << 56);
        wakeArmed = true;
    }

    @Override
    public void wakeup() {
        if (!wakeupPending.getAndSet(true)) {
            Uring.wake(wakeFd);
        }
    }

    /**
     * The end of the turn: what the run phase queued leaves now as SQEs (one gathered send per
     * socket that wrote), and multishot operations that ended (ENOBUFS, no IORING_CQE_F_MORE) are
     * armed again now that the run phase returned the buffers. Submitted by the next {@link #await}.
     */
    @Override
    public void endOfTurn() {
        for (int i = 0; i < flusherCount; i++) {
            UringSocketIo io = flushers[i];
            flushers[i] = null;
            io.submitSend();
        }
        flusherCount = 0;
        for (int i = 0; i < rearmCount; i++) {
            Runnable r = rearms[i];
            rearms[i] = null;
            r.run();
        }
        rearmCount = 0;
        readiness.sweepClosed(); // after the rearms: a watch settled there is not swept twice
        turn++;
    }

    void flushAtEndOfTurn(UringSocketIo io) {
        if (flusherCount == flushers.length) {
            flushers = Arrays.copyOf(flushers, flusherCount * 2);
        }
        flushers[flusherCount++] = io;
    }

    /** {@code io} queued a send: after the enter that submits it, see whether it is still in flight. */
    void checkAfterEnter(UringSocketIo io) {
        if (offeredCount == offered.length) {
            offered = Arrays.copyOf(offered, offeredCount * 2);
        }
        offered[offeredCount++] = io;
    }

    void rearmAtEndOfTurn(Runnable r) {
        if (rearmCount == rearms.length) {
            rearms = Arrays.copyOf(rearms, rearmCount * 2);
        }
        rearms[rearmCount++] = r;
    }

    void queue(Task task) {
        ready.add(task);
    }

    // ---- submission ----

    /** The next SQE's offset, zeroed; when the SQ is full, what is queued is submitted first. */
    long sqe() {
        long at = ring.nextSqe();
        if (at >= 0) {
            return at;
        }
        submitEarly(); // SQ full: submit what is there (no wait) and take the slot that frees
        at = ring.nextSqe();
        if (at < 0) {
            throw new UncheckedIOException(new IOException("io_uring submission queue full ("
                    + ring.sqEntries() + " entries) and the kernel took none (CQ overflow): too many"
                    + " operations in one turn"));
        }
        return at;
    }

    /**
     * Room for {@code count} SQEs that must reach the kernel in one submit (a linked chain: the
     * kernel ends a chain at the end of a submit): what is queued goes first if they would not fit.
     */
    void reserve(int count) {
        if (ring.sqeSpace() < count) {
            submitEarly();
        }
    }

    /** Submits what is queued now, without waiting. */
    private void submitEarly() {
        int r = ring.submitAndWait(cs, 0, 0);
        if (r < 0 && r != -Errno.EINTR && r != -UringLayout.EBUSY) {
            throw new UncheckedIOException(enterFailed(r));
        }
        if (ring.unsubmitted() == 0) {
            iovUsed = 0;
        }
    }

    /**
     * {@code count} iovecs that stay valid until the next enter consumes the SQE naming them
     * (FEAT_SUBMIT_STABLE: the kernel has copied them by then), as the index of the first in
     * {@link #iovArea()}: no slice, so a send allocates nothing. Submits early when the area is full.
     */
    int iovecs(int count) {
        if (iovUsed + count > IOV_AREA) {
            int r = ring.submitAndWait(cs, 0, 0);
            if (r < 0 && r != -Errno.EINTR) {
                throw new UncheckedIOException(enterFailed(r));
            }
            iovUsed = 0;
        }
        int first = iovUsed;
        iovUsed += count;
        return first;
    }

    /** The per-submit iovec area {@link #iovecs} hands out indexes into; the driver's, until close. */
    MemorySegment iovArea() {
        return iovArea;
    }

    /** Queues an ASYNC_CANCEL of the operation tagged {@code target}; its own CQE is ignored. */
    void cancel(long target) {
        long at = sqe();
        ring.prep(at, UringLayout.OP_ASYNC_CANCEL, -1, target, 0, 0, (long) OP_CANCEL << 56);
    }

    /** Native memory owned by the driver until its close: for socket addresses and message headers of operations in flight. */
    MemorySegment allocate(long size) {
        return arena.allocate(size, 8);
    }

    // ---- slots ----

    int register(Completion c) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (nextSlot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
                generations = Arrays.copyOf(generations, generations.length * 2);
            }
            slot = nextSlot++;
        }
        slots[slot] = c;
        generations[slot]++;
        live++;
        return slot;
    }

    long userData(int slot, int op) {
        return (long) op << 56 | (long) (generations[slot] & 0xFFFFFF) << 32 | slot;
    }

    /** {@code slot}'s owner has no operation in the kernel any more. */
    void release(int slot) {
        slots[slot] = null;
        live--;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }

    // ---- the rest of IoDriver ----

    @Override
    public SocketFactory sockets() {
        return sockets;
    }

    @Override
    public ChannelWatches channelWatches() {
        return readiness;
    }

    /** Slots with an owner, less those of removed watches waiting only for their cancelled polls' CQEs. */
    @Override
    public int registrations() {
        return live - readiness.retiring();
    }

    /**
     * Drains, then frees. Every socket was closed by the loop first and has asked the kernel to
     * cancel what it had in flight; this waits (a bounded time) for those completions, and for the
     * cancelled wake-up read's, before unregistering the buffer ring and unmapping anything. If
     * some never come (or the ring cannot be entered from this thread), the memory they name is
     * left mapped rather than freed under the kernel, and the loop's handler hears why.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean drained = true;
        if (enabled) {
            if (wakeArmed) {
                cancel((long) OP_WAKE << 56);
            }
            long deadline = System.nanoTime() + 2_000_000_000L;
            while ((live > 0 || wakeArmed) && System.nanoTime() - deadline < 0) {
                int r = ring.submitAndWait(cs, 1, 50_000_000L);
                if (r == -UringLayout.EEXIST) {
                    break; // another thread's ring (SINGLE_ISSUER): said once, below
                }
                if (r < 0 && r != -UringLayout.ETIME && r != -Errno.EINTR && r != -UringLayout.EBUSY) {
                    report("draining the io_uring ring", enterFailed(r));
                    break;
                }
                reap();
                endOfTurn();
            }
            drained = live == 0 && !wakeArmed;
        }
        if (!drained) {
            String why = Thread.currentThread() != issuer ? "the loop was closed on thread '"
                    + Thread.currentThread().getName() + "' but its ring is bound (SINGLE_ISSUER) to '"
                    + (issuer == null ? "?" : issuer.getName()) + "', which alone may enter it, so "
                    : "";
            report("closing the io_uring ring", new IllegalStateException(why + live + " operations' owners and "
                    + (wakeArmed ? "the waker" : "no waker") + " still had operations in the kernel; their"
                    + " descriptors are closed, the kernel cancels the operations as the ring goes, and their"
                    + " memory is left allocated rather than freed under the kernel (close an io_uring loop on"
                    + " the thread that ran it, or start it with EventLoop.start, to free it)"));
            // CLOSEs queued but never entered will not run: their descriptors are closed here,
            // as are those of owners still waiting for CQEs (ringGone). Memory stays allocated.
            int[] neverClosed = ring.unsubmittedFds(UringLayout.OP_CLOSE);
            ring.close(); // the kernel cancels what is left as the ring goes
            for (Completion c : slots) {
                if (c != null) {
                    c.ringGone();
                }
            }
            for (int fd : neverClosed) {
                Fd.close(cs, fd);
            }
            Fd.close(cs, wakeFd);
            return;
        }
        buffers.close(ring, cs);
        ring.close();
        Fd.close(cs, wakeFd);
        arena.close();
        cs.close();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String name() {
        return "io_uring";
    }

    @Override
    public String toString() {
        return "io_uring[" + UringRing.flagNames(ring.flags()) + "]";
    }

    void report(String what, Throwable error) {
        context.loop().reportException(what, error);
    }
}
