package io.weft.internal.sys;

import static io.weft.internal.sys.UringLayout.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: its descriptor, its mapped submission and completion rings, and the
 * calls on them. The one class that reads and writes the shared ring memory.
 *
 * <h2>Memory ordering (io_uring(7), "Submission queue" and "Completion queue")</h2>
 * The rings are memory shared with the kernel, which runs on another CPU at the same time. The
 * man page's rule: the producer fills an entry, then publishes it by storing the tail with
 * <em>release</em> semantics; the consumer loads the tail with <em>acquire</em> semantics before
 * reading entries, and stores the head with release once it is done with them.
 * <ul>
 *   <li>SQ (we produce): SQEs are written with plain stores, then {@link #SQ_TAIL} {@code
 *       setRelease} ({@link #publish}), so the kernel never sees a tail past an SQE it could read
 *       half-written. The kernel's head is read with {@code getAcquire} ({@link #sqeSpace}), so a
 *       slot it has consumed is ours again only after its read of that slot is done.</li>
 *   <li>CQ (kernel produces): {@code getAcquire} of the tail ({@link #cqReady}) before reading
 *       CQEs, so their contents are the kernel's, not stale; {@code setRelease} of the head
 *       ({@link #cqAdvance}) after reading them, so the kernel reuses a slot only after we read
 *       it.</li>
 * </ul>
 * A {@link VarHandle} on a native segment with these modes compiles to the plain moves x86-64
 * needs (its loads acquire and stores release already) and to {@code ldar}/{@code stlr} on aarch64.
 *
 * <h2>Ownership</h2>
 * The mapped rings belong to this object from {@link #open} to {@link #close()}; the kernel
 * reads SQEs and writes CQEs into them meanwhile. {@link #close()} unmaps and closes the
 * descriptor; the driver calls it only after every operation's completion arrived.
 *
 * <p>Threading: the loop's thread (with SINGLE_ISSUER, the thread that {@link #enable}d it; the
 * kernel refuses {@code io_uring_enter} from any other with EEXIST).
 */
public final class UringRing implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    /** The flags tried first, then dropped one at a time (newest kernel feature first) on EINVAL. */
    public static final int WANTED_FLAGS = SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_SUBMIT_ALL | SETUP_CLAMP
            | SETUP_R_DISABLED | SETUP_CQSIZE;
    private static final int[] DROP_ORDER = {SETUP_DEFER_TASKRUN, SETUP_SINGLE_ISSUER, SETUP_SUBMIT_ALL,
        SETUP_R_DISABLED, SETUP_CLAMP};
    /** Features the backend cannot do without (see {@link #missingFeatures}). */
    public static final int REQUIRED_FEATURES = FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_SUBMIT_STABLE | FEAT_EXT_ARG
            | FEAT_FAST_POLL;

    private final int fd;
    private final int flags;
    private final int features;
    private final MemorySegment rings;
    private final MemorySegment sqes;
    private final int sqEntries;
    private final int sqMask;
    private final long sqHead;
    private final long sqTail;
    private final long sqFlags;
    private final int cqEntries;
    private final int cqMask;
    private final long cqHead;
    private final long cqTail;
    private final long cqOverflow;
    private final long cqes;
    /** Our tail: SQEs written up to here; published to {@link #sqTail} by {@link #publish}. */
    private int tail;
    /** Our CQ head, published by {@link #cqAdvance}. */
    private int head;
    /** Owned by this ring: the getevents argument and its timespec; freed at {@link #close()}. */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment waitArg = arena.allocate(GETEVENTS_ARG_SIZE + TIMESPEC_SIZE, 8);
    /** The timespec inside {@link #waitArg}, sliced once (a wait allocates nothing). */
    private final MemorySegment waitTs = waitArg.asSlice(GETEVENTS_ARG_SIZE, TIMESPEC_SIZE);
    private boolean closed;

    private UringRing(int fd, int flags, int features, MemorySegment rings, MemorySegment sqes, MemorySegment p) {
        this.fd = fd;
        this.flags = flags;
        this.features = features;
        this.rings = rings;
        this.sqes = sqes;
        this.sqEntries = p.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
        this.cqEntries = p.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
        long so = P_SQ_OFF;
        long co = P_CQ_OFF;
        this.sqHead = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, so + SQO_HEAD));
        this.sqTail = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, so + SQO_TAIL));
        this.sqMask = rings.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, so + SQO_RING_MASK)));
        this.sqFlags = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, so + SQO_FLAGS));
        long array = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, so + SQO_ARRAY));
        this.cqHead = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, co + CQO_HEAD));
        this.cqTail = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, co + CQO_TAIL));
        this.cqMask = rings.get(ValueLayout.JAVA_INT, Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, co + CQO_RING_MASK)));
        this.cqOverflow = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, co + CQO_OVERFLOW));
        this.cqes = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, co + CQO_CQES));
        // The SQ index array maps ring slot i to SQE i, once: SQEs are then used in ring order.
        for (int i = 0; i < sqEntries; i++) {
            rings.set(ValueLayout.JAVA_INT, array + 4L * i, i);
        }
        this.tail = (int) INT.getAcquire(rings, sqTail);
        this.head = (int) INT.getAcquire(rings, cqHead);
        waitArg.set(ValueLayout.JAVA_LONG, GEA_SIGMASK, 0L);
        waitArg.set(ValueLayout.JAVA_INT, GEA_SIGMASK_SZ, 0);
    }

    /**
     * Sets up a ring of {@code entries} SQEs and {@code cqEntries} CQEs with {@link #WANTED_FLAGS},
     * dropping a flag at a time while the kernel says EINVAL, and maps it.
     *
     * @throws IOException with the errno of io_uring_setup (EPERM: {@code kernel.io_uring_disabled}
     *         or a seccomp filter; ENOSYS: no io_uring in this kernel or filtered), or a missing
     *         required feature
     */
    public static UringRing open(CallState cs, int entries, int cqEntries) throws IOException {
        int want = WANTED_FLAGS;
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(PARAMS_SIZE, 8);
            int drop = 0;
            while (true) {
                p.fill((byte) 0);
                p.set(ValueLayout.JAVA_INT, P_FLAGS, want);
                p.set(ValueLayout.JAVA_INT, P_CQ_ENTRIES, cqEntries);
                fd = Uring.setup(cs, entries, p);
                if (fd >= 0) {
                    break;
                }
                if (fd != -Errno.EINVAL || drop == DROP_ORDER.length) {
                    throw SysErrors.exception("io_uring_setup", -fd);
                }
                want &= ~DROP_ORDER[drop++];
            }
            int features = p.get(ValueLayout.JAVA_INT, P_FEATURES);
            try {
                int missing = REQUIRED_FEATURES & ~features;
                if (missing != 0) {
                    throw new IOException("io_uring lacks features " + featureNames(missing)
                            + " (kernel older than 5.11?)");
                }
                int sqEnt = p.get(ValueLayout.JAVA_INT, P_SQ_ENTRIES);
                int cqEnt = p.get(ValueLayout.JAVA_INT, P_CQ_ENTRIES);
                long sqSize = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, P_SQ_OFF + SQO_ARRAY)) + 4L * sqEnt;
                long cqSize = Integer.toUnsignedLong(p.get(ValueLayout.JAVA_INT, P_CQ_OFF + CQO_CQES)) + (long) CQE_SIZE * cqEnt;
                // FEAT_SINGLE_MMAP: one mapping holds both rings.
                MemorySegment rings = Uring.map(cs, fd, Math.max(sqSize, cqSize), OFF_SQ_RING);
                MemorySegment sqes;
                try {
                    sqes = Uring.map(cs, fd, (long) SQE_SIZE * sqEnt, OFF_SQES);
                } catch (IOException e) {
                    Uring.unmap(cs, rings);
                    throw e;
                }
                return new UringRing(fd, want, features, rings, sqes, p);
            } catch (IOException | RuntimeException e) {
                Fd.close(cs, fd);
                throw e;
            }
        }
    }

    /** The setup flags the kernel took. */
    public int flags() {
        return flags;
    }

    /** The IORING_FEAT_* bits the kernel reported. */
    public int features() {
        return features;
    }

    public int sqEntries() {
        return sqEntries;
    }

    public int cqEntries() {
        return cqEntries;
    }

    /** Whether SINGLE_ISSUER was taken: only the enabling thread may enter. */
    public boolean singleIssuer() {
        return (flags & SETUP_SINGLE_ISSUER) != 0;
    }

    /**
     * Enables a ring made {@code R_DISABLED} (IORING_REGISTER_ENABLE_RINGS), binding a
     * SINGLE_ISSUER ring to the calling thread; a no-op for a ring made enabled.
     */
    public void enable(CallState cs) throws IOException {
        if ((flags & SETUP_R_DISABLED) == 0) {
            return;
        }
        int r = Uring.register(cs, fd, REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0);
        if (r < 0) {
            throw SysErrors.exception("io_uring_register(ENABLE_RINGS)", -r);
        }
    }

    /**
     * Which of {@code ops} the kernel does not support (IORING_REGISTER_PROBE), as opcode
     * names; empty if all are.
     */
    public java.util.List<String> unsupported(CallState cs, int... ops) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment probe = a.allocate(PROBE_HEADER + (long) PROBE_OP_SIZE * PROBE_OPS, 8);
            int r = Uring.register(cs, fd, REGISTER_PROBE, probe, PROBE_OPS);
            if (r < 0) {
                throw SysErrors.exception("io_uring_register(PROBE)", -r);
            }
            int lastOp = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, 0));
            java.util.List<String> missing = new java.util.ArrayList<>();
            for (int op : ops) {
                short f = op > lastOp ? 0 : probe.get(ValueLayout.JAVA_SHORT, PROBE_HEADER + (long) PROBE_OP_SIZE * op + 2);
                if ((f & IO_URING_OP_SUPPORTED) == 0) {
                    missing.add(opName(op));
                }
            }
            return missing;
        }
    }

    /**
     * Registers a provided-buffer ring (IORING_REGISTER_PBUF_RING) at {@code ring} (page-aligned,
     * {@code entries} x {@link UringLayout#BUF_SIZE} bytes, owned by the caller until
     * {@link #unregisterBufferRing}) as group {@code group}.
     */
    public void registerBufferRing(CallState cs, MemorySegment ring, int entries, int group) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(BUF_REG_SIZE, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, ring.address());
            reg.set(ValueLayout.JAVA_INT, 8, entries);
            reg.set(ValueLayout.JAVA_SHORT, 12, (short) group);
            int r = Uring.register(cs, fd, REGISTER_PBUF_RING, reg, 1);
            if (r < 0) {
                throw SysErrors.exception("io_uring_register(PBUF_RING)", -r);
            }
        }
    }

    public void unregisterBufferRing(CallState cs, int group) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = a.allocate(BUF_REG_SIZE, 8);
            reg.set(ValueLayout.JAVA_SHORT, 12, (short) group);
            Uring.register(cs, fd, UNREGISTER_PBUF_RING, reg, 1);
        }
    }

    /** Fills provided-buffer entry {@code index} (masked) of {@code ring}: no ordering yet. */
    public static void putBuffer(MemorySegment ring, int index, long address, int length, int bid) {
        long at = (long) index * BUF_SIZE;
        ring.set(ValueLayout.JAVA_LONG, at + BUF_ADDR, address);
        ring.set(ValueLayout.JAVA_INT, at + BUF_LEN, length);
        ring.set(ValueLayout.JAVA_SHORT, at + BUF_BID, (short) bid);
    }

    /**
     * Publishes a provided-buffer ring's tail: release, so the kernel (which loads it with acquire,
     * io_uring_register(2) "IORING_REGISTER_PBUF_RING") sees the entries written before it.
     */
    public static void publishBufferTail(MemorySegment ring, int tail) {
        SHORT.setRelease(ring, (long) BUF_RING_TAIL, (short) tail);
    }

    // ---- submission ----

    /** SQEs free for writing now. */
    public int sqeSpace() {
        int kernelHead = (int) INT.getAcquire(rings, sqHead);
        return sqEntries - (tail - kernelHead);
    }

    /**
     * The offset in {@link #sqes()} of the next SQE, zeroed, or {@code -1} if the ring is full
     * (submit, then ask again).
     */
    public long nextSqe() {
        if (sqeSpace() == 0) {
            return -1;
        }
        long at = (long) (tail & sqMask) * SQE_SIZE;
        tail++;
        sqes.asSlice(at, SQE_SIZE).fill((byte) 0);
        return at;
    }

    /** Writes the common fields of the SQE at {@code at}. */
    public void prep(long at, int opcode, int fd, long addr, int len, long off, long userData) {
        sqes.set(ValueLayout.JAVA_BYTE, at + SQE_OPCODE, (byte) opcode);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_FD, fd);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_OFF, off);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_ADDR, addr);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_LEN, len);
        sqes.set(ValueLayout.JAVA_LONG, at + SQE_USER_DATA, userData);
    }

    public void sqeFlags(long at, int iosqeFlags) {
        sqes.set(ValueLayout.JAVA_BYTE, at + SQE_FLAGS, (byte) iosqeFlags);
    }

    public void sqeIoprio(long at, int ioprio) {
        sqes.set(ValueLayout.JAVA_SHORT, at + SQE_IOPRIO, (short) ioprio);
    }

    /** msg_flags, accept_flags or cancel_flags, by opcode. */
    public void sqeOpFlags(long at, int opFlags) {
        sqes.set(ValueLayout.JAVA_INT, at + SQE_OP_FLAGS, opFlags);
    }

    /** A POLL_ADD's {@code poll32_events} (little-endian here, so no word swap; see {@link UringLayout#SQE_POLL32_EVENTS}). */
    public void sqePollEvents(long at, int events) {
        sqes.set(ValueLayout.JAVA_INT, at + SQE_POLL32_EVENTS, events);
    }

    /**
     * Writes a SPLICE at {@code at}: {@code len} bytes from {@code fdIn} to {@code fdOut}, neither
     * with an offset ({@code -1} in {@code splice_off_in} and {@code off}: pipes and sockets have
     * none, the kernel says ESPIPE to any other), {@code flags} the splice(2) flags.
     */
    public void prepSplice(long at, int fdIn, int fdOut, int len, int flags, long userData) {
        prepSplice(at, fdIn, -1L, fdOut, len, flags, userData);
    }

    /**
     * As {@link #prepSplice(long, int, int, int, int, long)}, reading {@code fdIn} (a regular file)
     * at {@code offIn}: {@code splice_off_in}, the union with {@code addr} in io_uring.h's
     * {@code struct io_uring_sqe}. The kernel reads at that offset and leaves the file's own
     * position alone, as pread(2) does.
     */
    public void prepSplice(long at, int fdIn, long offIn, int fdOut, int len, int flags, long userData) {
        prep(at, UringLayout.OP_SPLICE, fdOut, offIn, len, -1L, userData);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_OP_FLAGS, flags);
        sqes.set(ValueLayout.JAVA_INT, at + SQE_SPLICE_FD_IN, fdIn);
    }

    /** A multishot RECV's total: it ends once it has received {@code bytes} (see {@link UringLayout#SQE_OPTLEN}). */
    public void sqeRecvLimit(long at, int bytes) {
        sqes.set(ValueLayout.JAVA_INT, at + SQE_OPTLEN, bytes);
    }

    public void sqeBufGroup(long at, int group) {
        sqes.set(ValueLayout.JAVA_SHORT, at + SQE_BUF_GROUP, (short) group);
    }

    /**
     * The descriptors named by SQEs of {@code opcode} that the kernel has not consumed: for a ring
     * closed without draining, whose unsubmitted SQEs will never run. Before {@link #close}.
     */
    public int[] unsubmittedFds(int opcode) {
        int head = (int) INT.getAcquire(rings, sqHead);
        int[] out = new int[Math.max(0, tail - head)];
        int n = 0;
        for (int i = head; i != tail; i++) {
            long at = (long) (i & sqMask) * SQE_SIZE;
            if (sqes.get(ValueLayout.JAVA_BYTE, at + SQE_OPCODE) == opcode) {
                out[n++] = sqes.get(ValueLayout.JAVA_INT, at + SQE_FD);
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** SQEs written but not yet consumed by the kernel. */
    public int unsubmitted() {
        return tail - (int) INT.getAcquire(rings, sqHead);
    }

    /** Publishes the SQEs written so far: the tail with release (see the class comment). */
    private void publish() {
        INT.setRelease(rings, sqTail, tail);
    }

    /**
     * One {@code io_uring_enter}: submits every SQE written so far and, if {@code minComplete > 0},
     * waits up to {@code timeoutNanos} ({@code -1}: no limit) for that many completions.
     *
     * @return SQEs consumed, or {@code -errno}: {@code -ETIME} and {@code -EINTR} are normal ends
     *         of a wait; {@code -EBUSY} means the CQ overflowed: reap, then call again
     */
    public int submitAndWait(CallState cs, int minComplete, long timeoutNanos) {
        publish();
        int toSubmit = unsubmitted();
        int enterFlags = ENTER_GETEVENTS;
        MemorySegment arg = MemorySegment.NULL;
        long argSize = 0;
        if (minComplete > 0 && timeoutNanos >= 0) {
            waitTs.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            waitTs.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            waitArg.set(ValueLayout.JAVA_LONG, GEA_TS, waitTs.address());
            enterFlags |= ENTER_EXT_ARG;
            arg = waitArg;
            argSize = GETEVENTS_ARG_SIZE;
        }
        return Uring.enter(cs, fd, toSubmit, minComplete, enterFlags, arg, argSize);
    }

    /** Whether completions wait in the kernel's overflow list (FEAT_NODROP): enter again after reaping. */
    public boolean cqOverflowed() {
        return ((int) INT.getAcquire(rings, sqFlags) & SQ_CQ_OVERFLOW) != 0;
    }

    // ---- completion ----

    /** CQEs ready to read: the kernel's tail loaded with acquire (see the class comment). */
    public int cqReady() {
        return (int) INT.getAcquire(rings, cqTail) - head;
    }

    /** The {@code i}-th ready CQE's user_data (from the head). */
    public long cqeUserData(int i) {
        return rings.get(ValueLayout.JAVA_LONG, cqes + (long) ((head + i) & cqMask) * CQE_SIZE + CQE_USER_DATA);
    }

    public int cqeRes(int i) {
        return rings.get(ValueLayout.JAVA_INT, cqes + (long) ((head + i) & cqMask) * CQE_SIZE + CQE_RES);
    }

    public int cqeFlags(int i) {
        return rings.get(ValueLayout.JAVA_INT, cqes + (long) ((head + i) & cqMask) * CQE_SIZE + CQE_FLAGS);
    }

    /** Hands {@code n} read CQEs back: the head with release (see the class comment). */
    public void cqAdvance(int n) {
        head += n;
        INT.setRelease(rings, cqHead, head);
    }

    /** Completions the kernel dropped (never, with FEAT_NODROP; kept for stats). */
    public int cqOverflowCount() {
        return (int) INT.getAcquire(rings, cqOverflow);
    }

    /** Unmaps the rings and closes the descriptor. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (CallState cs = new CallState()) {
            Uring.unmap(cs, sqes);
            Uring.unmap(cs, rings);
            Fd.close(cs, fd);
        }
        arena.close();
    }

    /** The IORING_SETUP_* names of {@code setupFlags}, for {@code weft info} and the docs. */
    public static String flagNames(int setupFlags) {
        StringBuilder b = new StringBuilder();
        name(b, setupFlags, SETUP_SINGLE_ISSUER, "SINGLE_ISSUER");
        name(b, setupFlags, SETUP_DEFER_TASKRUN, "DEFER_TASKRUN");
        name(b, setupFlags, SETUP_SUBMIT_ALL, "SUBMIT_ALL");
        name(b, setupFlags, SETUP_CLAMP, "CLAMP");
        name(b, setupFlags, SETUP_R_DISABLED, "R_DISABLED");
        name(b, setupFlags, SETUP_CQSIZE, "CQSIZE");
        return b.toString();
    }

    /** The IORING_FEAT_* names this backend looks at. */
    public static String featureNames(int feats) {
        StringBuilder b = new StringBuilder();
        name(b, feats, FEAT_SINGLE_MMAP, "SINGLE_MMAP");
        name(b, feats, FEAT_NODROP, "NODROP");
        name(b, feats, FEAT_SUBMIT_STABLE, "SUBMIT_STABLE");
        name(b, feats, FEAT_FAST_POLL, "FAST_POLL");
        name(b, feats, FEAT_EXT_ARG, "EXT_ARG");
        name(b, feats, FEAT_NATIVE_WORKERS, "NATIVE_WORKERS");
        name(b, feats, FEAT_CQE_SKIP, "CQE_SKIP");
        return b.toString();
    }

    private static void name(StringBuilder b, int bits, int bit, String name) {
        if ((bits & bit) != 0) {
            if (!b.isEmpty()) {
                b.append('|');
            }
            b.append(name);
        }
    }
}
