package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code eventfd(2)}: a kernel counter behind a descriptor, readable while it is non-zero; the
 * wake-up channel of an {@link Epoll}. A write adds to the counter, a read returns it and resets
 * it to zero; both move exactly 8 bytes (a host-order {@code uint64_t}).
 *
 * <p>Threading: any thread, with a {@link CallState} only that thread uses at the moment.
 */
public final class EventFd {
    private static final MethodHandle EVENTFD = Native.withErrno("eventfd",
            FunctionDescriptor.of(C_INT, C_INT, C_INT), false);

    public static final int EFD_CLOEXEC = 02000000;  // x86_64-linux-gnu/bits/eventfd.h EFD_CLOEXEC
    public static final int EFD_NONBLOCK = 04000;    // x86_64-linux-gnu/bits/eventfd.h EFD_NONBLOCK

    private EventFd() {
    }

    /** {@code eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)}: the descriptor, or {@code -errno}. */
    public static int open(CallState cs) {
        try {
            int r = (int) EVENTFD.invokeExact(cs.capture, 0, EFD_NONBLOCK | EFD_CLOEXEC);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Reads and resets the counter.
     *
     * @return the counter ({@code > 0}), {@code -EAGAIN} if it was zero, or {@code -errno}
     */
    public static long read(CallState cs, int fd) {
        long r = Io.read(cs, fd, cs.scratch, 8);
        return r == 8 ? cs.scratch.get(ValueLayout.JAVA_LONG, 0) : r < 0 ? r : -Errno.EINVAL;
    }

    /**
     * Adds {@code value} ({@code > 0}) to the counter.
     *
     * @return {@code 0}, or {@code -EAGAIN} if the counter would pass {@code 0xfffffffffffffffe}, or {@code -errno}
     */
    public static int write(CallState cs, int fd, long value) {
        cs.scratch.set(ValueLayout.JAVA_LONG, 0, value);
        long r = Io.write(cs, fd, cs.scratch, 8);
        return r == 8 ? 0 : r < 0 ? (int) r : -Errno.EINVAL;
    }
}
