package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_LONG;
import static io.weft.internal.sys.Native.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Moving bytes: {@code read}, {@code write}, {@code recv}, {@code send}, {@code readv},
 * {@code writev}, {@code sendmsg}, {@code recvmsg}, {@code sendto}, {@code recvfrom},
 * {@code splice} and {@code sendfile}. Each returns the byte count ({@code >= 0}; {@code 0} from a
 * stream read is end of stream) or {@code -errno}, and never throws for {@code -EAGAIN}: on a
 * non-blocking descriptor that is the ordinary "not now", to be met by waiting for readiness.
 *
 * <p>Buffers are native segments the caller owns and keeps alive until the call returns; the
 * kernel copies and keeps nothing afterwards. A write to a socket whose peer is gone may raise
 * SIGPIPE, which the JVM ignores, so EPIPE comes back as {@code -EPIPE}; pass
 * {@link SocketConstants#MSG_NOSIGNAL} to {@code send} anyway.
 *
 * <p>Threading: any thread, with a {@link CallState} only that thread uses at the moment.
 */
public final class Io {
    /**
     * Whether the calls that cannot block on a non-blocking descriptor (recv, send, read, write,
     * readv, writev, sendmsg, recvmsg, sendto, recvfrom) are linked {@code critical(false)}.
     * See {@code io.weft.bench.SysCallBenchmark} for what it was measured to save.
     */
    static final boolean CRITICAL = false;

    private static final MethodHandle READ = Native.withErrno("read",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG), CRITICAL);
    private static final MethodHandle WRITE = Native.withErrno("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG), CRITICAL);
    private static final MethodHandle RECV = Native.withErrno("recv",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT), CRITICAL);
    private static final MethodHandle SEND = Native.withErrno("send",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT), CRITICAL);
    /** send with the buffer as a raw address (an integer register either way on LP64): see {@link #sendAddress}. */
    private static final MethodHandle SEND_ADDRESS = Native.withErrno("send",
            FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_LONG, C_INT), CRITICAL);
    private static final MethodHandle READV = Native.withErrno("readv",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT), CRITICAL);
    private static final MethodHandle WRITEV = Native.withErrno("writev",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT), CRITICAL);
    private static final MethodHandle SENDMSG = Native.withErrno("sendmsg",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT), CRITICAL);
    private static final MethodHandle RECVMSG = Native.withErrno("recvmsg",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT), CRITICAL);
    private static final MethodHandle SENDTO = Native.withErrno("sendto",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT, C_POINTER, C_INT), CRITICAL);
    private static final MethodHandle RECVFROM = Native.withErrno("recvfrom",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG, C_INT, C_POINTER, C_POINTER), CRITICAL);
    // splice and sendfile may read a file, which can block on the disk: never critical.
    private static final MethodHandle SPLICE = Native.withErrno("splice",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT, C_POINTER, C_LONG, C_INT), false);
    private static final MethodHandle SENDFILE = Native.withErrno("sendfile",
            FunctionDescriptor.of(C_LONG, C_INT, C_INT, C_POINTER, C_LONG), false);

    /** splice(2) flags: x86_64-linux-gnu/bits/fcntl-linux.h. */
    public static final int SPLICE_F_MOVE = 1;     // bits/fcntl-linux.h SPLICE_F_MOVE
    public static final int SPLICE_F_NONBLOCK = 2; // bits/fcntl-linux.h SPLICE_F_NONBLOCK
    public static final int SPLICE_F_MORE = 4;     // bits/fcntl-linux.h SPLICE_F_MORE

    private Io() {
    }

    public static long read(CallState cs, int fd, MemorySegment buf, long len) {
        try {
            long r = (long) READ.invokeExact(cs.capture, fd, buf, len);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static long write(CallState cs, int fd, MemorySegment buf, long len) {
        try {
            long r = (long) WRITE.invokeExact(cs.capture, fd, buf, len);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code recv(fd, buf, len, flags)}: bytes read, {@code 0} at end of stream, or {@code -errno}. */
    public static long recv(CallState cs, int fd, MemorySegment buf, long len, int flags) {
        try {
            long r = (long) RECV.invokeExact(cs.capture, fd, buf, len, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code send(fd, buf, len, flags)}: bytes the kernel took (maybe fewer than {@code len}), or {@code -errno}. */
    public static long send(CallState cs, int fd, MemorySegment buf, long len, int flags) {
        try {
            long r = (long) SEND.invokeExact(cs.capture, fd, buf, len, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code send} from a raw native address, for memory that is not a segment yet (a direct
     * {@code ByteBuffer}): making a segment per call costs an object per write, which this
     * avoids. The caller keeps the memory alive (and reachable: {@code Reference.reachabilityFence})
     * until the call returns.
     */
    public static long sendAddress(CallState cs, int fd, long address, long len, int flags) {
        try {
            long r = (long) SEND_ADDRESS.invokeExact(cs.capture, fd, address, len, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code readv(fd, iov, count)} over an {@link IoVec} array. */
    public static long readv(CallState cs, int fd, MemorySegment iov, int count) {
        try {
            long r = (long) READV.invokeExact(cs.capture, fd, iov, count);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code writev(fd, iov, count)}: one system call for many buffers (at most {@code IOV_MAX} 1024). */
    public static long writev(CallState cs, int fd, MemorySegment iov, int count) {
        try {
            long r = (long) WRITEV.invokeExact(cs.capture, fd, iov, count);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code sendmsg(fd, header, flags)} with a {@link MsgHdr}. */
    public static long sendmsg(CallState cs, int fd, MemorySegment header, int flags) {
        try {
            long r = (long) SENDMSG.invokeExact(cs.capture, fd, header, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code recvmsg(fd, header, flags)} with a {@link MsgHdr}: the sender's address lands in its
     * name buffer ({@link MsgHdr#nameLength}); a datagram longer than the buffers is cut short and
     * {@link MsgHdr#flags} has {@link SocketConstants#MSG_TRUNC}.
     */
    public static long recvmsg(CallState cs, int fd, MemorySegment header, int flags) {
        try {
            long r = (long) RECVMSG.invokeExact(cs.capture, fd, header, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code sendto(fd, buf, len, flags, cs.sockaddr(), addrLength)}, the address {@link SockAddr#encode}d first. */
    public static long sendto(CallState cs, int fd, MemorySegment buf, long len, int flags, int addrLength) {
        try {
            long r = (long) SENDTO.invokeExact(cs.capture, fd, buf, len, flags, cs.sockaddr(), addrLength);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code recvfrom(fd, buf, len, flags, ...)}: the sender's address is left in {@link CallState#sockaddr()}. */
    public static long recvfrom(CallState cs, int fd, MemorySegment buf, long len, int flags) {
        cs.socklen.set(ValueLayout.JAVA_INT, 0, CallState.SOCKADDR_STORAGE_SIZE);
        try {
            long r = (long) RECVFROM.invokeExact(cs.capture, fd, buf, len, flags, cs.sockaddr(), cs.socklen);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code splice(in, NULL, out, NULL, len, flags)}: moves up to {@code len} bytes between two
     * descriptors, one of them a pipe, without copying them through user memory.
     */
    public static long splice(CallState cs, int in, int out, long len, int flags) {
        try {
            long r = (long) SPLICE.invokeExact(cs.capture, in, MemorySegment.NULL, out, MemorySegment.NULL, len, flags);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code sendfile(out, in, &offset, count)}: sends {@code count} bytes of file {@code in} from
     * {@code offset} (the file's own position is left alone).
     */
    public static long sendfile(CallState cs, int out, int in, long offset, long count) {
        cs.scratch.set(ValueLayout.JAVA_LONG, 0, offset);
        try {
            long r = (long) SENDFILE.invokeExact(cs.capture, out, in, cs.scratch, count);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
