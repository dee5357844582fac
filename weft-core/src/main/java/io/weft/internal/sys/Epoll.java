package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_LONG;
import static io.weft.internal.sys.Native.C_POINTER;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * One epoll instance: its descriptor, the reused array the kernel writes events into, and an
 * eventfd that {@link #wakeup()} writes to so another thread can end a {@link #poll}.
 *
 * <p>Zero allocation per wait: {@link #poll} fills {@link #events()}, read with the static
 * {@link #events(MemorySegment, int)} and {@link #data(MemorySegment, int)}; nothing is boxed.
 * The waker is registered level-triggered for {@link #EPOLLIN} with data {@link #WAKEUP}: when an
 * event carries it, call {@link #drainWakeup} (until then every wait returns at once).
 *
 * <p>Threading: {@link #wakeup()} from any thread, at any time, even after (or during)
 * {@link #close()}, when it does nothing. Everything else on one thread at a time, the loop's,
 * with the loop's {@link CallState}.
 *
 * <p>epoll's hazards, for the driver above: an fd must be removed ({@link #delete}) or closed
 * before its number is reused, since epoll watches the open file, not the number (a {@code dup}ed
 * fd keeps a registration alive after close: epoll(7) Q6); with {@link #EPOLLET} a reader must
 * drain to {@code EAGAIN} or it will never hear of the rest; {@link #EPOLLHUP} and
 * {@link #EPOLLERR} are reported whether asked for or not.
 */
public final class Epoll implements AutoCloseable {
    // linux/eventpoll.h
    public static final int EPOLL_CLOEXEC = 02000000;   // eventpoll.h EPOLL_CLOEXEC (= O_CLOEXEC)
    public static final int EPOLL_CTL_ADD = 1;          // eventpoll.h EPOLL_CTL_ADD
    public static final int EPOLL_CTL_DEL = 2;          // eventpoll.h EPOLL_CTL_DEL
    public static final int EPOLL_CTL_MOD = 3;          // eventpoll.h EPOLL_CTL_MOD
    public static final int EPOLLIN = 0x001;            // eventpoll.h EPOLLIN
    public static final int EPOLLOUT = 0x004;           // eventpoll.h EPOLLOUT
    public static final int EPOLLERR = 0x008;           // eventpoll.h EPOLLERR
    public static final int EPOLLHUP = 0x010;           // eventpoll.h EPOLLHUP
    public static final int EPOLLRDHUP = 0x2000;        // eventpoll.h EPOLLRDHUP
    public static final int EPOLLEXCLUSIVE = 1 << 28;   // eventpoll.h EPOLLEXCLUSIVE
    public static final int EPOLLONESHOT = 1 << 30;     // eventpoll.h EPOLLONESHOT
    public static final int EPOLLET = 1 << 31;          // eventpoll.h EPOLLET

    /** The data of the waker's events; do not register anything else with it. */
    public static final long WAKEUP = -1L;

    /** {@code struct epoll_event}, laid out for this architecture ({@link Arch#epollEvent()}). */
    static final StructLayout EVENT = arch().epollEvent();
    static final long EVENT_SIZE = EVENT.byteSize();
    private static final long DATA_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    private static final ValueLayout.OfLong DATA = ValueLayout.JAVA_LONG_UNALIGNED;

    /**
     * {@code struct timespec { time_t tv_sec; long tv_nsec; }}
     * (x86_64-linux-gnu/bits/types/struct_timespec.h), 16 bytes on LP64.
     */
    private static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));

    private static final MethodHandle CREATE1 = Native.withErrno("epoll_create1",
            FunctionDescriptor.of(C_INT, C_INT), false);
    private static final MethodHandle CTL = Native.withErrno("epoll_ctl",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER), false);
    private static final MethodHandle WAIT = Native.withErrno("epoll_wait",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT), false);
    /** Linked only if libc has it (glibc 2.35+); used only if {@link Pwait2#AVAILABLE}. */
    private static final MethodHandle PWAIT2 = Native.has("epoll_pwait2")
            ? Native.withErrno("epoll_pwait2", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER), false)
            : null;
    /** The waker's write: errno not captured (a full counter is already a pending wake-up). */
    private static final MethodHandle WAKE_WRITE = Native.plain("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));

    private final int epfd;
    private final int wakeFd;
    private final int capacity;
    /** Owned by this Epoll: the events array and timespec, written by the kernel in wait; freed at close. */
    private final Arena arena;
    private final MemorySegment events;
    private final MemorySegment timeout;
    /**
     * Owned by this Epoll: the 8-byte {@code 1} that {@link #wakeup()} writes; freed at close.
     * Its own shared arena because its closing is what fences off the wakers (see {@link #close()}).
     */
    private final Arena wakeArena;
    private final MemorySegment one;
    private volatile boolean closed;

    private Epoll(int epfd, int wakeFd, int capacity) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.capacity = capacity;
        // Shared, not confined: a loop is made on one thread and runs (and closes) on another.
        this.arena = Arena.ofShared();
        this.events = arena.allocate(MemoryLayout.sequenceLayout(capacity, EVENT));
        this.timeout = arena.allocate(TIMESPEC);
        this.wakeArena = Arena.ofShared();
        this.one = wakeArena.allocate(ValueLayout.JAVA_LONG);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /**
     * Opens an epoll instance that reports up to {@code capacity} events per wait, with its
     * waker registered.
     *
     * @throws IOException naming the call that failed (EMFILE when out of descriptors); nothing is left open
     */
    public static Epoll open(CallState cs, int capacity) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        int epfd = create(cs);
        if (epfd < 0) {
            throw SysErrors.exception("epoll_create1", -epfd);
        }
        int wake = EventFd.open(cs);
        if (wake < 0) {
            Fd.close(cs, epfd);
            throw SysErrors.exception("eventfd", -wake);
        }
        int r = ctl(cs, epfd, EPOLL_CTL_ADD, wake, EPOLLIN, WAKEUP);
        if (r < 0) {
            Fd.close(cs, wake);
            Fd.close(cs, epfd);
            throw SysErrors.exception("epoll_ctl(ADD eventfd)", -r);
        }
        return new Epoll(epfd, wake, capacity);
    }

    /** The epoll descriptor. */
    public int fd() {
        return epfd;
    }

    /** The events array {@link #poll} fills: read entry {@code i} with {@link #events(MemorySegment, int)}. */
    public MemorySegment events() {
        return events;
    }

    /** How many events one wait can report. */
    public int capacity() {
        return capacity;
    }

    /** Watches {@code fd} for {@code interest} ({@link #EPOLLIN} | ...), reporting {@code data} with its events. */
    public int add(CallState cs, int fd, int interest, long data) {
        return ctl(cs, epfd, EPOLL_CTL_ADD, fd, interest, data);
    }

    /** Replaces the interest and data of a watched {@code fd}. */
    public int modify(CallState cs, int fd, int interest, long data) {
        return ctl(cs, epfd, EPOLL_CTL_MOD, fd, interest, data);
    }

    /** Stops watching {@code fd}; {@code -ENOENT} if it was not watched. */
    public int delete(CallState cs, int fd) {
        return ctl(cs, epfd, EPOLL_CTL_DEL, fd, 0, 0);
    }

    /**
     * Waits for events, at most {@code timeoutNanos} ({@code < 0}: until one comes; {@code 0}:
     * just look). With {@code epoll_pwait2} (Linux 5.11, glibc 2.35; see {@link #hasPwait2()}) the
     * timeout has nanosecond precision; otherwise it is rounded up to whole milliseconds, so that
     * a timer is never woken before it is due.
     *
     * @return the number of events in {@link #events()} ({@code 0} on timeout, or when a signal
     *         interrupted the wait: EINTR is not an error here), or {@code -errno}
     */
    public int poll(CallState cs, long timeoutNanos) {
        int r;
        try {
            if (Pwait2.AVAILABLE) {
                MemorySegment ts = MemorySegment.NULL;
                if (timeoutNanos >= 0) {
                    timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                    timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                    ts = timeout;
                }
                r = (int) PWAIT2.invokeExact(cs.capture, epfd, events, capacity, ts, MemorySegment.NULL);
            } else {
                r = (int) WAIT.invokeExact(cs.capture, epfd, events, capacity, millis(timeoutNanos));
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (r >= 0) {
            return r;
        }
        int errno = cs.errno();
        return errno == Errno.EINTR ? 0 : -errno;
    }

    /** The event mask ({@link #EPOLLIN}, {@link #EPOLLOUT}, ...) of entry {@code i} of an events array. */
    public static int events(MemorySegment events, int i) {
        return events.get(ValueLayout.JAVA_INT, i * EVENT_SIZE);
    }

    /** The data registered with the descriptor of entry {@code i}. */
    public static long data(MemorySegment events, int i) {
        return events.get(DATA, i * EVENT_SIZE + DATA_OFFSET);
    }

    /**
     * Makes the current or next {@link #poll} return. Any thread; costs one {@code write} system
     * call, so callers coalesce (wake only a loop that is, or is about to be, waiting). After
     * {@link #close()} it does nothing.
     */
    public void wakeup() {
        if (closed) {
            return;
        }
        try {
            // EAGAIN (the counter is full) needs no handling: the waker is readable already.
            long ignored = (long) WAKE_WRITE.invokeExact(wakeFd, one, 8L);
        } catch (IllegalStateException closedMeanwhile) {
            // wakeArena was closed: close() has begun, and wakeFd may be closed (even reused),
            // so nothing was written. That is why wakeFd is closed only after wakeArena.
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Reads the waker's counter back to zero, after an event whose data is {@link #WAKEUP}. */
    public void drainWakeup(CallState cs) {
        EventFd.read(cs, wakeFd);
    }

    /**
     * Closes the epoll instance and its waker and frees the native memory. Idempotent. Watched
     * descriptors stay open: they are their owners' to close.
     *
     * <p>Cleanup always happens; the first failure of a close is reported after it.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        // Fence off wakers before their descriptor goes: closing the arena fails while a
        // wakeup's write holds its segment, and any write that starts after it throws before
        // reaching the kernel, so no write can hit the number once it is closed and reused.
        while (true) {
            try {
                wakeArena.close();
                break;
            } catch (IllegalStateException inUse) {
                Thread.onSpinWait();
            }
        }
        try (CallState cs = new CallState()) {
            int a = Fd.close(cs, wakeFd);
            int b = Fd.close(cs, epfd);
            arena.close();
            if (a < 0) {
                throw SysErrors.exception("close(eventfd)", -a);
            }
            if (b < 0) {
                throw SysErrors.exception("close(epoll)", -b);
            }
        }
    }

    /** Whether {@link #poll} has nanosecond timeouts here ({@code epoll_pwait2} in libc and kernel). */
    public static boolean hasPwait2() {
        return Pwait2.AVAILABLE;
    }

    /** {@code epoll_create1(EPOLL_CLOEXEC)}: the descriptor, or {@code -errno}. */
    static int create(CallState cs) {
        try {
            int r = (int) CREATE1.invokeExact(cs.capture, EPOLL_CLOEXEC);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code epoll_ctl(epfd, op, fd, &{interest, data})}, the event in the CallState's scratch. */
    static int ctl(CallState cs, int epfd, int op, int fd, int interest, long data) {
        MemorySegment event = cs.scratch;
        event.set(ValueLayout.JAVA_INT, 0, interest);
        event.set(DATA, DATA_OFFSET, data);
        try {
            int r = (int) CTL.invokeExact(cs.capture, epfd, op, fd, event);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Nanoseconds to epoll_wait's milliseconds: rounded up, {@code -1} for ever, capped at {@code INT_MAX}. */
    static int millis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long ms = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    private static Arch arch() {
        Arch a = Arch.current();
        if (a == null) {
            throw new UnsupportedOperationException(Arch.unsupportedReason());
        }
        return a;
    }

    /**
     * Probed once: a libc can have {@code epoll_pwait2} while the kernel (before 5.11) or a
     * seccomp filter answers ENOSYS, so one zero-timeout call on a fresh instance decides.
     */
    private static final class Pwait2 {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (PWAIT2 == null) {
                return false;
            }
            try (CallState cs = new CallState(); Arena a = Arena.ofConfined()) {
                int epfd = create(cs);
                if (epfd < 0) {
                    return false;
                }
                try {
                    MemorySegment ev = a.allocate(EVENT);
                    MemorySegment ts = a.allocate(TIMESPEC); // zero: return at once
                    int r = (int) PWAIT2.invokeExact(cs.capture, epfd, ev, 1, ts, MemorySegment.NULL);
                    return r >= 0;
                } catch (Throwable t) {
                    return false;
                } finally {
                    Fd.close(cs, epfd);
                }
            }
        }
    }
}
