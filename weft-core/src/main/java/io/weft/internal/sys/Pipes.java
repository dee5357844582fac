package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * Pipes as splice(2) buffers between two sockets: {@code pipe2} (see {@link Fd#pipe}, which makes
 * both ends {@code O_NONBLOCK | O_CLOEXEC}), a pipe's capacity through {@code fcntl}
 * {@code F_SETPIPE_SZ}/{@code F_GETPIPE_SZ}, and {@code splice} itself (see {@link Io#splice},
 * with {@link Io#SPLICE_F_MOVE} and {@link Io#SPLICE_F_NONBLOCK}).
 *
 * <p>Memory: a pipe holds references to pages (a spliced socket buffer's pages are moved in, not
 * copied), counted against the user's pipe-buffer limits ({@code /proc/sys/fs/pipe-user-pages-soft},
 * and {@code pipe-max-size} for one pipe unless privileged); it owns nothing in this process but its
 * two descriptors. Threading: any thread, with a {@link CallState} only that thread uses at the moment.
 */
public final class Pipes {
    /** {@code int fcntl(int fd, int cmd, ...)}: variadic from the argument on; an int here. Never blocks for these commands, but kept off critical like the rest of the descriptor calls. */
    private static final MethodHandle FCNTL = Native.withErrnoVariadic("fcntl",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT), 2);

    /** asm-generic/fcntl.h F_LINUX_SPECIFIC_BASE. */
    static final int F_LINUX_SPECIFIC_BASE = 1024;
    /** linux/fcntl.h F_SETPIPE_SZ (F_LINUX_SPECIFIC_BASE + 7). */
    public static final int F_SETPIPE_SZ = F_LINUX_SPECIFIC_BASE + 7;
    /** linux/fcntl.h F_GETPIPE_SZ (F_LINUX_SPECIFIC_BASE + 8). */
    public static final int F_GETPIPE_SZ = F_LINUX_SPECIFIC_BASE + 8;

    private Pipes() {
    }

    /**
     * {@code fcntl(fd, F_SETPIPE_SZ, bytes)}: the kernel rounds up to a power-of-two number of pages.
     *
     * @return the capacity now, in bytes, or {@code -errno} ({@code -EPERM} past {@code pipe-max-size}
     *         or the user's limit, unprivileged; {@code -EBUSY} below what the pipe holds)
     */
    public static int setSize(CallState cs, int fd, int bytes) {
        return fcntl(cs, fd, F_SETPIPE_SZ, bytes);
    }

    /** {@code fcntl(fd, F_GETPIPE_SZ)}: the capacity in bytes, or {@code -errno}. */
    public static int size(CallState cs, int fd) {
        return fcntl(cs, fd, F_GETPIPE_SZ, 0);
    }

    private static int fcntl(CallState cs, int fd, int cmd, int arg) {
        try {
            int r = (int) FCNTL.invokeExact(cs.capture, fd, cmd, arg);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
