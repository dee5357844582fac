package io.weft.internal.sys;

import static io.weft.internal.sys.Native.C_INT;
import static io.weft.internal.sys.Native.C_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Whether a file's bytes are in the page cache, asked without waiting for the disk: a one-byte
 * {@code preadv2(fd, iov, 1, offset, RWF_NOWAIT)}, which the kernel answers from the cache or
 * refuses with {@code EAGAIN} rather than start a read (linux/fs.h RWF_NOWAIT; preadv2(2)). The
 * zero-copy sender asks before each {@code sendfile} window, so that a file that is not cached is
 * read in on the offload pool instead of stalling the loop inside {@code sendfile}.
 *
 * <p>Memory: the iovec and its one-byte buffer live in the caller's {@link CallState} scratch
 * (bytes 8 to 25; {@code sendfile}'s offset uses bytes 0 to 7), owned by that CallState and
 * reused by the next call. Threading: any thread, with a {@link CallState} only it uses now.
 */
public final class PageCache {
    /** linux/fs.h RWF_NOWAIT: "per-IO, return -EAGAIN if operation would block". */
    static final int RWF_NOWAIT = 0x00000008;
    /** Where in the scratch the iovec and its byte go (after sendfile's 8-byte offset). */
    private static final long IOV_AT = 8;
    private static final long BYTE_AT = IOV_AT + IoVec.SIZE;

    // Not critical: a file system without RWF_NOWAIT support may read anyway.
    private static final MethodHandle PREADV2 = Native.has("preadv2")
            ? Native.withErrno("preadv2", FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT, C_LONG, C_INT), false)
            : null;

    private PageCache() {
    }

    /**
     * Whether the byte at {@code offset} of {@code fd} is cached: true when the kernel gave it
     * (or the file ends there) or cannot tell ({@code EOPNOTSUPP}, {@code ENOSYS}, no preadv2 in
     * libc); false only for {@code EAGAIN}, a read that would have waited for the device.
     */
    public static boolean cached(CallState cs, int fd, long offset) {
        if (PREADV2 == null) {
            return true;
        }
        // struct iovec { iov_base, iov_len } at IOV_AT, pointing at the byte at BYTE_AT; the
        // iovec's address goes as an integer (as Io.sendAddress does), so no slice is made.
        long base = cs.scratch.address();
        cs.scratch.set(ValueLayout.JAVA_LONG, IOV_AT, base + BYTE_AT);
        cs.scratch.set(ValueLayout.JAVA_LONG, IOV_AT + 8, 1L);
        long r;
        try {
            r = (long) PREADV2.invokeExact(cs.capture, fd, base + IOV_AT, 1, offset, RWF_NOWAIT);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return r >= 0 || cs.errno() != Errno.EAGAIN;
    }
}
