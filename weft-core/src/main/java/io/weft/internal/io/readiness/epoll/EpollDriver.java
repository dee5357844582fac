package io.weft.internal.io.readiness.epoll;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ChannelFds;
import io.weft.internal.io.ChannelWatches;
import io.weft.internal.io.DirectChunks;
import io.weft.internal.io.DriverContext;
import io.weft.internal.io.IoDriver;
import io.weft.internal.io.ReadyQueue;
import io.weft.internal.io.SocketFactory;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Epoll;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The readiness driver over a native epoll instance ({@link Epoll}), for Weft's own raw-descriptor
 * sockets ({@link EpollSockets}) and for JDK channels ({@code addReader}, through their descriptor).
 *
 * <p><b>Level-triggered</b>, as {@link io.weft.internal.io.SocketIo} requires: a descriptor whose
 * interest is armed is reported on every wait that finds it ready, so data a paused transport left
 * unread is reported again once it resumes.
 *
 * <p><b>No lookup and no allocation per event.</b> Registrations live in an array indexed by slot;
 * each event's {@code data} is {@code generation << 32 | slot}, so an event for a slot that was
 * freed and reused within one wait (its generation moved on) is recognised and dropped. Each
 * registration holds its reader and writer {@link Task}s, made once and queued again on every
 * event.
 *
 * <p><b>Hazard: HUP and ERR cannot be masked.</b> epoll reports {@code EPOLLHUP} and
 * {@code EPOLLERR} whatever the interest set, even an empty one (epoll_ctl(2)), and level-triggered
 * it reports them on every wait: a paused socket whose peer reset it would make the loop spin. So
 * when one arrives for a registration with no armed interest that would take it, the descriptor
 * is taken out of the epoll set ("parked", one {@code EPOLL_CTL_DEL}) and its hang-up task runs:
 * a socket reads {@code SO_ERROR} and tells its transport of a reset at once, even while reading
 * is paused and nothing is queued (NIO cannot: the JDK's selector drops a descriptor with no
 * interest from its epoll set, so it hears of the reset only when reading resumes). Arming any
 * interest again puts a parked descriptor back ({@code EPOLL_CTL_ADD}).
 *
 * <p>Threading: the loop's thread only, but for {@link #wakeup()}.
 */
public final class EpollDriver implements IoDriver, ChannelWatches {
    /** Interest in reading (accepting, receiving). */
    static final int READ = 1;
    /** Interest in writing (connect completion). */
    static final int WRITE = 2;

    /** Events reported by one wait at most; more wait for the next turn. */
    private static final int EVENTS = 1024;
    private static final int READ_EVENTS = Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR;
    private static final int WRITE_EVENTS = Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR;

    private final DriverContext context;
    private final ReadyQueue ready;
    /** Owned by this driver (errno, addresses, options of every call it makes); freed at {@link #close()}. */
    private final CallState cs;
    private final Epoll epoll;
    private final Buffers buffers;
    /** Direct chunks for the write queues of this driver's sockets; see {@link DirectChunks}. */
    private final DirectChunks chunks = new DirectChunks(256);
    private final EpollSockets sockets;
    /** The loop's read buffer's whole capacity as a segment: owned by the loop, which outlives this driver. */
    private final MemorySegment readSegment;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private Registration[] slots = new Registration[64];
    /** Free slot numbers, a stack; {@link #nextSlot} when empty. */
    private int[] free = new int[64];
    private int freeCount;
    private int nextSlot;
    private int live;
    private final IdentityHashMap<SelectableChannel, Registration> channels = new IdentityHashMap<>();
    private boolean closed;

    /** Write system calls made by this driver's sockets (send, writev), for tests and stats. */
    long writeCalls;
    /** Turns ended so far; a socket compares it with the turn of its last write. */
    private long turn;
    /** Sockets whose writes of this turn wait for {@link #endOfTurn}, and how many. */
    private EpollSocketIo[] coalesced = new EpollSocketIo[64];
    private int coalescedCount;
    /** Whether even a turn's first write to a socket waits for the end of the turn; see {@link EpollSocketIo}. */
    final boolean deferFirstWrite;

    public EpollDriver(DriverContext context) throws IOException {
        this.deferFirstWrite = Boolean.getBoolean("weft.epoll.deferFirstWrite");
        this.context = context;
        this.ready = context.ready();
        this.cs = new CallState();
        try {
            this.epoll = Epoll.open(cs, EVENTS);
        } catch (IOException | RuntimeException e) {
            cs.close();
            throw e;
        }
        this.buffers = new Buffers();
        this.readSegment = MemorySegment.ofBuffer(context.readBuffer().duplicate().clear());
        this.sockets = new EpollSockets(this, context.readBuffer());
    }

    // ---- the turn ----

    /** Write system calls (send, writev) made so far by this driver's stream sockets. */
    public long writeCalls() {
        return writeCalls;
    }

    /** The current turn, for per-turn write coalescing. */
    long turn() {
        return turn;
    }

    /** {@code io} has writes of this turn queued: send them, gathered, at the end of the turn. */
    void flushAtEndOfTurn(EpollSocketIo io) {
        if (coalescedCount == coalesced.length) {
            coalesced = java.util.Arrays.copyOf(coalesced, coalescedCount * 2);
        }
        coalesced[coalescedCount++] = io;
    }

    /**
     * The end of the loop's turn: each socket that queued writes this turn sends them in one
     * gathered write. What is left (the socket filled) waits for writability as usual.
     */
    @Override
    public void endOfTurn() {
        for (int i = 0; i < coalescedCount; i++) {
            EpollSocketIo io = coalesced[i];
            coalesced[i] = null;
            io.flushCoalesced();
        }
        coalescedCount = 0;
        turn++;
    }

    /** Queues a task on the loop's run queue (a socket's "flushed" notice after endOfTurn). */
    void queue(Task task) {
        ready.add(task);
    }

    @Override
    public int await(long timeoutNanos) throws IOException {
        int n = epoll.poll(cs, timeoutNanos);
        if (n < 0) {
            throw SysErrors.exception("epoll_wait", -n);
        }
        MemorySegment events = epoll.events();
        int queued = 0;
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(events, i);
            if (data == Epoll.WAKEUP) {
                // Drain first, then reset the flag. The other order loses wake-ups for good: a
                // wakeup() between the reset and the drain sets the flag and writes, the drain
                // eats its write, and the flag, left set, keeps every later wakeup() from
                // writing while the loop sleeps (seen: CrossThreadTest hung in a clean-clone run).
                // In this order a wakeup() that finds the flag still set skips its write, which is
                // safe: this turn is awake and looks at its inbox after this wait returns.
                epoll.drainWakeup(cs);
                wakeupPending.set(false);
                continue;
            }
            int slot = (int) data;
            Registration r = slot >= 0 && slot < slots.length ? slots[slot] : null;
            if (r == null || r.generation != (int) (data >>> 32)) {
                continue; // freed (and perhaps reused) since the kernel queued this event
            }
            queued += dispatch(r, Epoll.events(events, i));
        }
        return queued;
    }

    private int dispatch(Registration r, int ev) {
        int queued = 0;
        if ((ev & READ_EVENTS) != 0 && (r.armed & READ) != 0 && r.reader != null) {
            ready.add(r.reader);
            queued++;
        }
        if ((ev & WRITE_EVENTS) != 0 && (r.armed & WRITE) != 0 && r.writer != null) {
            ready.add(r.writer);
            queued++;
        }
        if (queued == 0 && (ev & (Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            r.park();
            if (r.hangup != null) {
                ready.add(r.hangup);
                queued++;
            }
        }
        return queued;
    }

    @Override
    public void wakeup() {
        if (!wakeupPending.getAndSet(true)) {
            epoll.wakeup();
        }
    }

    @Override
    public SocketFactory sockets() {
        return sockets;
    }

    @Override
    public ChannelWatches channelWatches() {
        return this;
    }

    @Override
    public int registrations() {
        return live;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        clear();
        try {
            epoll.close();
        } catch (IOException e) {
            report("closing the epoll instance", e);
        }
        buffers.close();
        cs.close();
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public String toString() {
        return "epoll";
    }

    /** The CallState every call on this loop uses. Loop thread only. */
    CallState callState() {
        return cs;
    }

    /** Native scratch for writes: staging for heap bytes, an iovec array. Loop thread only. */
    Buffers buffers() {
        return buffers;
    }

    /** Where this driver's sockets' write queues take their buffers. Loop thread only. */
    DirectChunks chunks() {
        return chunks;
    }

    /** The loop's read buffer as a segment, for {@code recv}. */
    MemorySegment readSegment() {
        return readSegment;
    }

    /** Reports a failure that belongs to no callback to the loop's exception handler. */
    void report(String what, Throwable error) {
        context.loop().reportException(what, error);
    }

    // ---- registrations ----

    /**
     * Registers descriptor {@code fd} of one of this driver's sockets, disarmed: nothing is
     * asked of the kernel until {@link Registration#arm} asks for something.
     *
     * @param onHangup what to run when the kernel reports a hang-up or error that no armed
     *                 interest takes (see the class comment); null to just park
     */
    Registration watch(int fd, Runnable onReadable, Runnable onWritable, Runnable onHangup) {
        Registration r = new Registration(fd, allocateSlot(), false);
        r.reader = new Task(onReadable, null);
        r.writer = new Task(onWritable, null);
        r.hangup = onHangup == null ? null : new Task(onHangup, null);
        return r;
    }

    private int allocateSlot() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (nextSlot == slots.length) {
            slots = Arrays.copyOf(slots, slots.length * 2);
        }
        return nextSlot++;
    }

    private void freeSlot(int slot) {
        slots[slot] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
    }

    private static int toEvents(int armed) {
        return ((armed & READ) != 0 ? Epoll.EPOLLIN | Epoll.EPOLLRDHUP : 0) | ((armed & WRITE) != 0 ? Epoll.EPOLLOUT : 0);
    }

    /** One descriptor's tasks and its place in the epoll set. Loop thread only. */
    final class Registration {
        final int fd;
        final int slot;
        final int generation;
        /** Made by {@code addReader}/{@code addWriter}, not by this driver's sockets. */
        final boolean public_;
        Task reader;
        Task writer;
        Task hangup;
        /** Which of {@link #READ}, {@link #WRITE} the owner wants reported. */
        int armed;
        /** Whether the descriptor is in the epoll set (added, not parked or deleted). */
        boolean inSet;
        boolean closed;

        Registration(int fd, int slot, boolean publicWatch) {
            this.fd = fd;
            this.slot = slot;
            this.public_ = publicWatch;
            this.generation = nextGeneration(slot);
            slots[slot] = this;
            live++;
        }

        private long data() {
            return (long) generation << 32 | slot;
        }

        /** Sets which of {@link #READ} | {@link #WRITE} the kernel should report. */
        void arm(int ops) {
            if (closed || ops == armed && (inSet || ops == 0)) {
                return;
            }
            armed = ops;
            int r;
            if (inSet) {
                // Interest 0 keeps the descriptor in the set, so a hang-up while paused is heard.
                r = epoll.modify(cs, fd, toEvents(ops), data());
            } else if (ops != 0) {
                r = epoll.add(cs, fd, toEvents(ops), data());
                inSet = r == 0;
            } else {
                return;
            }
            if (r < 0) {
                throw new UncheckedIOException(SysErrors.exception("epoll_ctl(fd " + fd + ")", -r));
            }
        }

        /**
         * Puts the descriptor in the epoll set now, with no interest, so that a hang-up or error
         * is heard even if its owner never arms anything (a transport that pauses reading in
         * {@code connectionMade}). Costs one {@code epoll_ctl} more per connection: the arm that
         * follows is a MOD instead of the ADD it would have been.
         */
        void watchHangups() {
            if (closed || inSet) {
                return;
            }
            int r = epoll.add(cs, fd, 0, data());
            if (r < 0) {
                throw new UncheckedIOException(SysErrors.exception("epoll_ctl(ADD fd " + fd + ")", -r));
            }
            inSet = true;
        }

        /** Takes the descriptor out of the epoll set until the next {@link #arm} with interest. */
        void park() {
            if (inSet) {
                epoll.delete(cs, fd);
                inSet = false;
                armed = 0;
            }
        }

        /** Stops watching for good. Idempotent. Call before closing the descriptor. Does not close it. */
        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (inSet) {
                int r = epoll.delete(cs, fd);
                // ENOENT/EBADF: the descriptor was closed under us (a JDK channel the user closed).
                if (r < 0 && r != -Errno.ENOENT && r != -Errno.EBADF) {
                    report("removing fd " + fd + " from epoll", SysErrors.exception("epoll_ctl(DEL)", -r));
                }
                inSet = false;
            }
            if (public_) {
                cancel(reader);
                cancel(writer);
            }
            reader = null;
            writer = null;
            hangup = null;
            live--;
            freeSlot(slot);
        }
    }

    /** Generations per slot survive the slot's registration: kept in a side array. */
    private int[] generations = new int[64];

    private int nextGeneration(int slot) {
        if (slot >= generations.length) {
            generations = Arrays.copyOf(generations, Math.max(slot + 1, generations.length * 2));
        }
        return ++generations[slot];
    }

    private static void cancel(Task t) {
        if (t != null) {
            t.markCancelled();
        }
    }

    // ---- ChannelWatches: addReader/addWriter on JDK channels ----

    @Override
    public void set(SelectableChannel channel, boolean reader, Task task) {
        Registration r = channels.get(channel);
        if (r == null) {
            int fd = ChannelFds.fdOf(channel, "epoll");
            try {
                if (channel.isBlocking()) {
                    channel.configureBlocking(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch " + channel, e);
            }
            r = new Registration(fd, allocateSlot(), true);
            channels.put(channel, r);
        }
        Task old = reader ? r.reader : r.writer;
        cancel(old);
        if (reader) {
            r.reader = task;
        } else {
            r.writer = task;
        }
        r.arm((r.reader != null ? READ : 0) | (r.writer != null ? WRITE : 0));
    }

    @Override
    public boolean remove(SelectableChannel channel, boolean reader, Task task) {
        Registration r = channels.get(channel);
        if (r == null) {
            return false;
        }
        Task current = reader ? r.reader : r.writer;
        if (current == null || task != null && current != task) {
            return false; // replaced or removed already
        }
        current.markCancelled();
        if (reader) {
            r.reader = null;
        } else {
            r.writer = null;
        }
        int ops = (r.reader != null ? READ : 0) | (r.writer != null ? WRITE : 0);
        if (ops == 0) {
            channels.remove(channel);
            if (!channel.isOpen()) {
                r.inSet = false; // its descriptor is gone (maybe reused): never touch that number
            }
            r.close();
        } else {
            r.arm(ops);
        }
        return true;
    }

    @Override
    public int size() {
        return channels.size();
    }

    @Override
    public void clear() {
        for (var e : channels.entrySet()) {
            Registration r = e.getValue();
            if (!e.getKey().isOpen()) {
                r.inSet = false; // its descriptor is gone (maybe reused): never touch that number
            }
            r.close();
        }
        channels.clear();
    }
}
