package io.weft.internal.sys;

import io.weft.net.ConnectionResetException;
import io.weft.net.DatagramTooLargeException;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * The one place that turns an errno from a native call into a typed {@link IOException} whose
 * message names the call and the errno: {@code "connect to 127.0.0.1:9: ECONNREFUSED (Connection
 * refused)"}. The types are the ones the NIO backend reports for the same failure
 * ({@link io.weft.internal.io.Errors}), so a transport cannot tell the backends apart by their
 * exceptions:
 * <ul>
 *   <li>ECONNRESET, EPIPE: {@link ConnectionResetException} (a write after the peer's reset is EPIPE);
 *   <li>ECONNREFUSED, ETIMEDOUT: {@link ConnectException}; on a datagram call ECONNREFUSED is a
 *       pending ICMP port unreachable: {@link PortUnreachableException};
 *   <li>EHOSTUNREACH, ENETUNREACH: {@link NoRouteToHostException};
 *   <li>EADDRINUSE, EADDRNOTAVAIL, and EACCES on {@code bind}: {@link BindException};
 *   <li>EMSGSIZE: {@link DatagramTooLargeException};
 *   <li>EMFILE, ENFILE: an {@code IOException} whose text is libc's ("Too many open files"),
 *       which {@link io.weft.internal.io.Errors#isOutOfFiles} recognises as it does the JDK's;
 *       the raw paths test {@link #isOutOfFiles(int)} instead;
 *   <li>any other socket errno (ENOTSOCK..EINPROGRESS, asm-generic/errno.h 88..115):
 *       {@link SocketException}; anything else: {@link IOException}.
 * </ul>
 * The text in parentheses is {@code strerror(3)}'s, the same text the JDK puts in its messages
 * (the JVM runs libc in the C locale). Called on failure paths only.
 */
public final class SysErrors {
    private static final MethodHandle STRERROR = Native.plain("strerror",
            FunctionDescriptor.of(Native.C_POINTER, Native.C_INT));

    private SysErrors() {
    }

    /**
     * @param call  the system call that failed, as the message should name it: {@code "accept4"},
     *              {@code "connect to 127.0.0.1:9"}
     * @param errno the positive errno (a raw call's negative result, negated)
     */
    public static IOException exception(String call, int errno) {
        String msg = call + ": " + Errno.name(errno) + " (" + strerror(errno) + ")";
        return switch (errno) {
            case Errno.ECONNRESET, Errno.EPIPE -> new ConnectionResetException(msg, null);
            case Errno.ECONNREFUSED -> isDatagramCall(call) ? new PortUnreachableException(msg) : new ConnectException(msg);
            case Errno.ETIMEDOUT -> new ConnectException(msg);
            case Errno.EHOSTUNREACH, Errno.ENETUNREACH -> new NoRouteToHostException(msg);
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL -> new BindException(msg);
            case Errno.EACCES -> call.startsWith("bind") ? new BindException(msg) : new SocketException(msg);
            case Errno.EMSGSIZE -> new DatagramTooLargeException(msg);
            default -> errno >= Errno.ENOTSOCK && errno <= Errno.EINPROGRESS ? new SocketException(msg) : new IOException(msg);
        };
    }

    /** Whether {@code errno} means the process or system ran out of file descriptors. */
    public static boolean isOutOfFiles(int errno) {
        return errno == Errno.EMFILE || errno == Errno.ENFILE;
    }

    private static boolean isDatagramCall(String call) {
        return call.startsWith("sendmsg") || call.startsWith("recvmsg") || call.startsWith("sendto")
                || call.startsWith("recvfrom");
    }

    /**
     * libc's text for {@code errno}. glibc's {@code strerror} is MT-safe since 2.32 (it returns a
     * constant string for a known errno and a thread-local buffer otherwise), so any thread may
     * call it; the string is copied out at once.
     */
    @SuppressWarnings("restricted") // the pointer strerror returns has no size; its string ends at a NUL
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "errno " + errno : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("strerror cannot fail", t);
        }
    }
}
