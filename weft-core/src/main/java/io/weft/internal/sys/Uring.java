package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_LONG;
import static io.weft.internal.sys.Native.C_POINTER;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The three io_uring system calls, made through libc's {@code syscall(2)} since glibc wraps none
 * of them (liburing's API is {@code static inline} over the same calls), plus {@code mmap} and
 * {@code munmap} of the rings and the waker's eventfd write.
 *
 * <p>Every argument is passed as a {@code long}: {@code syscall} is variadic and reads each one
 * with {@code va_arg(ap, long)}, so a 32-bit {@code int} would leave the register's upper half
 * undefined. None of the handles is {@code critical}: {@code io_uring_enter} blocks by design.
 *
 * <p>Threading: any thread, with a {@link CallState} only that thread uses at the moment; but a
 * ring set up with {@code SINGLE_ISSUER} accepts {@code io_uring_enter} from the enabling thread
 * only (EEXIST otherwise).
 */
@SuppressWarnings("restricted") // mmap returns a pointer whose size we know; reinterpret says so
public final class Uring {
    private static final Linker.Option VARIADIC_AFTER_NR = Linker.Option.firstVariadicArg(1);
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemorySegment SYSCALL = Linker.nativeLinker().defaultLookup().find("syscall")
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no 'syscall'"));

    /** {@code long syscall(SYS_io_uring_setup, u32 entries, struct io_uring_params *p)}. */
    private static final MethodHandle SETUP = Native.LINKER.downcallHandle(SYSCALL,
            FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_POINTER), ERRNO, VARIADIC_AFTER_NR);
    /** {@code syscall(SYS_io_uring_enter, fd, to_submit, min_complete, flags, const void *arg, size_t argsz)}. */
    private static final MethodHandle ENTER = Native.LINKER.downcallHandle(SYSCALL,
            FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_LONG, C_POINTER, C_LONG), ERRNO,
            VARIADIC_AFTER_NR);
    /** {@code syscall(SYS_io_uring_register, fd, opcode, void *arg, unsigned nr_args)}. */
    private static final MethodHandle REGISTER = Native.LINKER.downcallHandle(SYSCALL,
            FunctionDescriptor.of(C_LONG, C_LONG, C_LONG, C_LONG, C_POINTER, C_LONG), ERRNO, VARIADIC_AFTER_NR);
    private static final MethodHandle MMAP = Native.withErrno("mmap",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_LONG, C_INT, C_INT, C_INT, C_LONG), false);
    private static final MethodHandle MUNMAP = Native.withErrno("munmap",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG), false);
    private static final MethodHandle EVENTFD = Native.withErrno("eventfd",
            FunctionDescriptor.of(C_INT, C_INT, C_INT), false);
    /** write(2) without errno, for the waker: any thread, nothing to report if it fails. */
    private static final MethodHandle WAKE_WRITE = Native.plain("write",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_LONG));

    static final int PROT_READ = 1;        // asm-generic/mman-common.h PROT_READ
    static final int PROT_WRITE = 2;       // asm-generic/mman-common.h PROT_WRITE
    static final int MAP_SHARED = 1;       // linux/mman.h MAP_SHARED
    static final int MAP_POPULATE = 0x8000; // asm-generic/mman.h MAP_POPULATE

    /** The 8-byte {@code 1} every waker writes: process-wide, never freed, read-only after init. */
    private static final MemorySegment ONE = Arena.global().allocate(ValueLayout.JAVA_LONG);

    static {
        ONE.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    private Uring() {
    }

    /** {@code io_uring_setup}: the ring descriptor, or {@code -errno}. {@code params} is in and out. */
    static int setup(CallState cs, int entries, MemorySegment params) {
        try {
            long r = (long) SETUP.invokeExact(cs.capture, UringLayout.NR_IO_URING_SETUP, (long) entries, params);
            return r >= 0 ? (int) r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code io_uring_enter}: the number of SQEs consumed, or {@code -errno} ({@code -ETIME}: the
     * wait timed out with nothing submitted; {@code -EINTR}: a signal).
     */
    static int enter(CallState cs, int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        try {
            long r = (long) ENTER.invokeExact(cs.capture, UringLayout.NR_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize);
            return r >= 0 ? (int) r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code io_uring_register}: {@code >= 0}, or {@code -errno}. */
    static int register(CallState cs, int fd, int opcode, MemorySegment arg, int nrArgs) {
        try {
            long r = (long) REGISTER.invokeExact(cs.capture, UringLayout.NR_IO_URING_REGISTER, (long) fd,
                    (long) opcode, arg, (long) nrArgs);
            return r >= 0 ? (int) r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Maps {@code length} bytes of the ring {@code fd} at {@code offset} (IORING_OFF_*), or throws the typed failure. */
    static MemorySegment map(CallState cs, int fd, long length, long offset) throws java.io.IOException {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(cs.capture, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
            if (p.address() == -1L) {
                throw SysErrors.exception("mmap of the io_uring rings", cs.errno());
            }
            return p.reinterpret(length);
        } catch (java.io.IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void unmap(CallState cs, MemorySegment mapping) {
        try {
            int ignored = (int) MUNMAP.invokeExact(cs.capture, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * A <em>blocking</em> eventfd ({@code EFD_CLOEXEC} only) for the ring's wake-up read: io_uring
     * hands {@code -EAGAIN} back for a read on an {@code O_NONBLOCK} file instead of waiting, so
     * the waker's descriptor must not be one. Writes to it never block (the counter would have to
     * reach 2^64-1 first).
     *
     * @return the descriptor, or {@code -errno}
     */
    public static int blockingEventFd(CallState cs) {
        try {
            int r = (int) EVENTFD.invokeExact(cs.capture, 0, EventFd.EFD_CLOEXEC);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Adds 1 to eventfd {@code fd}'s counter. Any thread; a failure (the ring closed) is ignored. */
    public static void wake(int fd) {
        try {
            long ignored = (long) WAKE_WRITE.invokeExact(fd, ONE, 8L);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
