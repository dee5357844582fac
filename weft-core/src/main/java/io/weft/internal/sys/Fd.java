package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Plain descriptor calls: {@code open}, {@code close} and {@code pipe2}. Threading: any thread, with a
 * {@link CallState} only that thread uses at the moment.
 */
public final class Fd {
    private static final MethodHandle CLOSE = Native.withErrno("close",
            FunctionDescriptor.of(C_INT, C_INT), false);
    /** {@code open(const char *path, int flags, ...)}: variadic from {@code mode} on. */
    private static final MethodHandle OPEN = Native.withErrnoVariadic("open",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT), 2);
    /** close without errno, for {@link #closeQuietly}. */
    private static final MethodHandle CLOSE_QUIETLY = Native.plain("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle PIPE2 = Native.withErrno("pipe2",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT), false);

    /** asm-generic/fcntl.h O_RDONLY. */
    public static final int O_RDONLY = 0;
    /** asm-generic/fcntl.h O_NONBLOCK. */
    static final int O_NONBLOCK = 04000;
    /** asm-generic/fcntl.h O_CLOEXEC. */
    static final int O_CLOEXEC = 02000000;

    private Fd() {
    }

    /**
     * {@code close(fd)}. Never retry on {@code -EINTR}: Linux has released the descriptor by then,
     * and a second close could close a descriptor another thread was just given. Not critical:
     * with {@code SO_LINGER} on, closing a socket blocks until its data is sent.
     *
     * @return {@code 0} or {@code -errno}
     */
    public static int close(CallState cs, int fd) {
        try {
            int r = (int) CLOSE.invokeExact(cs.capture, fd);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code close(fd)} from any thread, without a {@link CallState}, ignoring failure: for a
     * descriptor that is being given up (an accepted socket nobody adopted).
     */
    public static void closeQuietly(int fd) {
        try {
            int ignored = (int) CLOSE_QUIETLY.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code open(path, flags | O_CLOEXEC, mode)}, for files to {@code sendfile} or {@code splice}.
     *
     * @param path a NUL-terminated file name in native memory the caller owns for the call
     * @return the descriptor, or {@code -errno}
     */
    public static int open(CallState cs, MemorySegment path, int flags, int mode) {
        try {
            int r = (int) OPEN.invokeExact(cs.capture, path, flags | O_CLOEXEC, mode);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code pipe2(fds, O_NONBLOCK | O_CLOEXEC)}.
     *
     * @return {@code 0} with the read end in {@code cs.intResult(0)} and the write end in
     *         {@code cs.intResult(1)}, or {@code -errno}
     */
    public static int pipe(CallState cs) {
        try {
            int r = (int) PIPE2.invokeExact(cs.capture, cs.scratch, O_NONBLOCK | O_CLOEXEC);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
