package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A socket's life: {@code socket}, {@code bind}, {@code listen}, {@code accept4},
 * {@code connect}, {@code shutdown}, options and names. Each returns {@code 0} (or a descriptor)
 * on success and {@code -errno} on failure, never throws for the kernel's answer; turn a failure
 * into an exception with {@link SysErrors#exception}. Data moves through {@link Io}; descriptors
 * are closed by {@link Fd#close}.
 *
 * <p>Threading: any thread, with a {@link CallState} only that thread uses at the moment.
 * Addresses travel in {@link CallState#sockaddr()} ({@link SockAddr} encodes and decodes them).
 */
public final class Sockets {
    private static final MethodHandle SOCKET = Native.withErrno("socket",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT), false);
    private static final MethodHandle BIND = Native.withErrno("bind",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT), false);
    private static final MethodHandle LISTEN = Native.withErrno("listen",
            FunctionDescriptor.of(C_INT, C_INT, C_INT), false);
    private static final MethodHandle ACCEPT4 = Native.withErrno("accept4",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_INT), false);
    private static final MethodHandle CONNECT = Native.withErrno("connect",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT), false);
    private static final MethodHandle SHUTDOWN = Native.withErrno("shutdown",
            FunctionDescriptor.of(C_INT, C_INT, C_INT), false);
    private static final MethodHandle GETSOCKOPT = Native.withErrno("getsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER), false);
    private static final MethodHandle SETSOCKOPT = Native.withErrno("setsockopt",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER, C_INT), false);
    private static final MethodHandle GETSOCKNAME = Native.withErrno("getsockname",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER), false);
    private static final MethodHandle GETPEERNAME = Native.withErrno("getpeername",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER), false);

    /** Every socket and accepted connection this layer makes: non-blocking, close-on-exec. */
    private static final int FLAGS = SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC;

    private Sockets() {
    }

    /**
     * {@code socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)}.
     *
     * @return the new descriptor, or {@code -errno}
     */
    public static int socket(CallState cs, int domain, int type, int protocol) {
        try {
            int r = (int) SOCKET.invokeExact(cs.capture, domain, type | FLAGS, protocol);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code bind(fd, cs.sockaddr(), length)}, the address {@link SockAddr#encode}d there first. */
    public static int bind(CallState cs, int fd, int length) {
        try {
            int r = (int) BIND.invokeExact(cs.capture, fd, cs.sockaddr(), length);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static int listen(CallState cs, int fd, int backlog) {
        try {
            int r = (int) LISTEN.invokeExact(cs.capture, fd, backlog);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code accept4(fd, cs.sockaddr(), &len, SOCK_NONBLOCK | SOCK_CLOEXEC)}: the peer's address is
     * left in {@link CallState#sockaddr()} ({@link CallState#sockaddrLength()} bytes).
     *
     * @return the connection's descriptor, {@code -EAGAIN} when none is pending, or {@code -errno}
     *         (EMFILE/ENFILE: {@link SysErrors#isOutOfFiles(int)}; ECONNABORTED: the connection
     *         was reset while queued, accept the next)
     */
    public static int accept(CallState cs, int fd) {
        cs.socklen.set(ValueLayout.JAVA_INT, 0, CallState.SOCKADDR_STORAGE_SIZE);
        try {
            int r = (int) ACCEPT4.invokeExact(cs.capture, fd, cs.sockaddr(), cs.socklen, FLAGS);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code connect(fd, cs.sockaddr(), length)} on a non-blocking socket.
     *
     * @return {@code 0} if connected at once (a Unix socket, often), {@code -EINPROGRESS} when
     *         the kernel goes on in the background (wait for writable, then {@link #soError}),
     *         or {@code -errno}. {@code -EINTR} means the same as {@code -EINPROGRESS} here
     *         (connect(2): the connection is then established asynchronously).
     */
    public static int connect(CallState cs, int fd, int length) {
        try {
            int r = (int) CONNECT.invokeExact(cs.capture, fd, cs.sockaddr(), length);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * The outcome of a connect that returned {@code -EINPROGRESS}, once the socket is writable:
     * {@code getsockopt(fd, SOL_SOCKET, SO_ERROR)}, which also clears it.
     *
     * @return {@code 0} if connected, else {@code -errno} of the failure (ECONNREFUSED, say)
     */
    public static int soError(CallState cs, int fd) {
        int r = getInt(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR);
        return r != 0 ? r : -cs.intResult(0);
    }

    /** {@code shutdown(fd, how)} with {@link SocketConstants#SHUT_WR} and friends. */
    public static int shutdown(CallState cs, int fd, int how) {
        try {
            int r = (int) SHUTDOWN.invokeExact(cs.capture, fd, how);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code setsockopt} of an {@code int} option ({@code TCP_NODELAY}, {@code SO_RCVBUF}, ...). */
    public static int setInt(CallState cs, int fd, int level, int name, int value) {
        cs.scratch.set(ValueLayout.JAVA_INT, 0, value);
        return setsockopt(cs, fd, level, name, 4);
    }

    /**
     * {@code getsockopt} of an {@code int} option.
     *
     * @return {@code 0} with the value in {@code cs.intResult(0)}, or {@code -errno}
     */
    public static int getInt(CallState cs, int fd, int level, int name) {
        return getsockopt(cs, fd, level, name, 4);
    }

    /**
     * {@code SO_LINGER}: {@code struct linger { int l_onoff; int l_linger; }}
     * (x86_64-linux-gnu/bits/socket.h). {@code seconds < 0} turns lingering off; {@code 0} makes
     * {@code close} reset the connection (RST) instead of finishing it.
     */
    public static int setLinger(CallState cs, int fd, int seconds) {
        cs.scratch.set(ValueLayout.JAVA_INT, 0, seconds >= 0 ? 1 : 0);
        cs.scratch.set(ValueLayout.JAVA_INT, 4, Math.max(seconds, 0));
        return setsockopt(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, 8);
    }

    /**
     * Reads {@code SO_LINGER}.
     *
     * @return {@code 0} with {@code cs.intResult(0)} = {@code l_onoff}, {@code cs.intResult(1)} =
     *         {@code l_linger}; or {@code -errno}
     */
    public static int getLinger(CallState cs, int fd) {
        return getsockopt(cs, fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, 8);
    }

    /** The socket's own address, into {@link CallState#sockaddr()}; {@code 0} or {@code -errno}. */
    public static int getsockname(CallState cs, int fd) {
        cs.socklen.set(ValueLayout.JAVA_INT, 0, CallState.SOCKADDR_STORAGE_SIZE);
        try {
            int r = (int) GETSOCKNAME.invokeExact(cs.capture, fd, cs.sockaddr(), cs.socklen);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The peer's address, into {@link CallState#sockaddr()}; {@code 0} or {@code -errno} (ENOTCONN). */
    public static int getpeername(CallState cs, int fd) {
        cs.socklen.set(ValueLayout.JAVA_INT, 0, CallState.SOCKADDR_STORAGE_SIZE);
        try {
            int r = (int) GETPEERNAME.invokeExact(cs.capture, fd, cs.sockaddr(), cs.socklen);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static int setsockopt(CallState cs, int fd, int level, int name, int length) {
        try {
            int r = (int) SETSOCKOPT.invokeExact(cs.capture, fd, level, name, cs.scratch, length);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static int getsockopt(CallState cs, int fd, int level, int name, int length) {
        cs.socklen.set(ValueLayout.JAVA_INT, 0, length);
        try {
            int r = (int) GETSOCKOPT.invokeExact(cs.capture, fd, level, name, cs.scratch, cs.socklen);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
