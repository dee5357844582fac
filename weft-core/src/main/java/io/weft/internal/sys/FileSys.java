package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_LONG;
import static io.weft.internal.sys.Native.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Calls on regular files, for the file code's offload tasks: {@code copy_file_range}, and the
 * open flags and errno values a copy between two files needs. Each call returns what the kernel
 * returns ({@code >= 0}), or {@code -errno}.
 *
 * <p>None is linked {@code critical}: every one of them may wait on a disk (or, on a FIFO, on a
 * writer), and a critical call would hold up every garbage collection meanwhile.
 *
 * <p>Threading: any thread, with a {@link CallState} only that thread uses at the moment. A call
 * on a pool thread is not interruptible: {@code Thread.interrupt} does not reach into it, so code
 * that must stop early makes many bounded calls and looks at a flag between them.
 */
public final class FileSys {
    /**
     * {@code ssize_t copy_file_range(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
     * size_t len, unsigned int flags)} (glibc 2.27+, Linux 4.5+).
     */
    private static final MethodHandle COPY_FILE_RANGE = Native.withErrno("copy_file_range",
            FunctionDescriptor.of(C_LONG, C_INT, C_POINTER, C_INT, C_POINTER, C_LONG, C_INT), false);

    /** {@code int ftruncate(int fd, off_t length)}. */
    private static final MethodHandle FTRUNCATE = Native.withErrno("ftruncate",
            FunctionDescriptor.of(C_INT, C_INT, C_LONG), false);

    /** asm-generic/fcntl.h O_RDONLY. */
    public static final int O_RDONLY = 0;
    /** asm-generic/fcntl.h O_RDWR. */
    public static final int O_RDWR = 02;
    /** asm-generic/fcntl.h O_EXCL. */
    public static final int O_EXCL = 0200;
    /** asm-generic/fcntl.h O_APPEND. */
    public static final int O_APPEND = 02000;
    /** asm-generic/fcntl.h O_DIRECT. */
    public static final int O_DIRECT = 040000;
    /** asm-generic/fcntl.h O_CLOEXEC. */
    public static final int O_CLOEXEC = 02000000;
    /** asm-generic/fcntl.h O_WRONLY. */
    public static final int O_WRONLY = 01;
    /** asm-generic/fcntl.h O_CREAT. */
    public static final int O_CREAT = 0100;
    /** asm-generic/fcntl.h O_TRUNC. */
    public static final int O_TRUNC = 01000;
    /** The mode a new file is created with, before the umask: {@code rw-rw-rw-}, as {@code creat(2)} users pass. */
    public static final int MODE_0666 = 0666;

    // errno values a file copy reacts to, beyond those in Errno: asm-generic/errno-base.h.
    /** errno-base.h EXDEV: the two files are on different file systems (copy_file_range before Linux 5.3). */
    public static final int EXDEV = 18;
    /** errno-base.h EISDIR. */
    public static final int EISDIR = 21;
    /** errno-base.h EFBIG: the file would grow past the file system's (or RLIMIT_FSIZE's) limit. */
    public static final int EFBIG = 27;
    /** errno.h EDQUOT: the user's disk quota is used up. */
    public static final int EDQUOT = 122;

    private FileSys() {
    }

    /**
     * {@code copy_file_range(in, NULL, out, NULL, len, 0)}: copies up to {@code len} bytes from
     * {@code in}'s file offset to {@code out}'s, advancing both, inside the kernel (a reflink
     * where the file system shares blocks, else a page-cache copy with no trip through user
     * memory).
     *
     * @return the bytes copied ({@code 0} at the end of {@code in}), or {@code -errno}:
     *         {@code -EXDEV}, {@code -EINVAL}, {@code -ENOSYS} or {@code -EOPNOTSUPP} when these
     *         two descriptors cannot be copied between this way (a FIFO, another file system on
     *         an old kernel, a file system without support), for the caller to fall back to
     *         {@code read} and {@code write}
     */
    public static long copyFileRange(CallState cs, int in, int out, long len) {
        try {
            long r = (long) COPY_FILE_RANGE.invokeExact(cs.capture, in, MemorySegment.NULL, out, MemorySegment.NULL,
                    len, 0);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code copy_file_range(in, &position, out, NULL, len, 0)}: as {@link #copyFileRange}, but
     * from {@code position} of {@code in} (its file offset stays where it was).
     *
     * @param scratch 8 bytes of the caller's native memory for the offset, for the call
     */
    public static long copyFileRangeFrom(CallState cs, int in, long position, int out, long len, MemorySegment scratch) {
        scratch.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, position);
        try {
            long r = (long) COPY_FILE_RANGE.invokeExact(cs.capture, in, scratch, out, MemorySegment.NULL, len, 0);
            return r >= 0 ? r : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code ftruncate(fd, length)}: cuts the file, or grows it with a hole. @return 0 or {@code -errno} */
    public static int ftruncate(CallState cs, int fd, long length) {
        try {
            int r = (int) FTRUNCATE.invokeExact(cs.capture, fd, length);
            return r == 0 ? 0 : cs.fail();
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Whether {@code errno}, from {@link #copyFileRange}, means "not between these two files"
     * rather than a failure of the copy itself: the caller copies through a buffer instead.
     */
    public static boolean copyUnsupported(int errno) {
        return errno == EXDEV || errno == Errno.EINVAL || errno == Errno.ENOSYS || errno == Errno.EOPNOTSUPP;
    }
}
