package io.weft.internal.file.pool;

import io.weft.file.FileException;
import io.weft.file.IsADirectoryException;
import io.weft.internal.file.FileErrors;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.FileSys;
import io.weft.internal.sys.Io;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * A copy's two files as raw descriptors: {@code copy_file_range(2)} between them, as
 * {@code cp} does (the bytes stay in the kernel: a reflink, or a page-cache-to-page-cache copy),
 * falling back for good to {@code read}/{@code write} through one buffer of {@value #BUFFER}
 * bytes the first time the kernel says it cannot copy between these two
 * ({@link FileSys#copyUnsupported}: EXDEV, EINVAL, ENOSYS, EOPNOTSUPP; a FIFO, say). Both ways
 * use and advance the descriptors' own offsets, so the fallback goes on from where the kernel
 * copy stopped.
 *
 * <p>Each call asks for at most {@value #CALL} bytes, so a stop request waits for one such call
 * at most (a few milliseconds from the page cache; a native call cannot be interrupted).
 *
 * <p>Memory: the errno segment ({@link #cs}) and the fallback buffer belong to this object and
 * are freed by {@link #close()}; the path strings live only for the {@code open} calls, in a
 * confined arena of the opening thread.
 */
final class NativeCopyEnds implements CopyEnds {
    /** Bytes per copy_file_range call: large enough that the calls cost nothing, small enough to stop soon. */
    static final long CALL = 16L << 20;
    /** The fallback's buffer. */
    static final int BUFFER = 1 << 20;

    private final Path source;
    private final Path target;
    private final int in;
    private final int out;
    /** Owned by this copy: errno of its calls; freed by {@link #close()}. */
    private final CallState cs = new CallState();
    /** Owns the fallback buffer, made at the first fallback; closed by {@link #close()}. */
    private Arena bufferArena;
    private MemorySegment buffer;
    private boolean kernelCopy = true;

    private NativeCopyEnds(Path source, Path target, int in, int out) {
        this.source = source;
        this.target = target;
        this.in = in;
        this.out = out;
    }

    /** Opens {@code source} to read and {@code target} to write (created, or truncated); on a pool thread. */
    static NativeCopyEnds open(Path source, Path target) throws IOException {
        if (Files.isDirectory(source)) {
            throw new IsADirectoryException("copy", source, null);
        }
        if (Files.exists(target) && Files.isSameFile(source, target)) {
            // Truncating the target would destroy the source.
            throw new FileException("copy", target, "is the same file as " + source + "; nothing was copied", null);
        }
        try (CallState opening = new CallState(); Arena names = Arena.ofConfined()) {
            int in = Fd.open(opening, names.allocateFrom(source.toString()), Fd.O_RDONLY, 0);
            if (in < 0) {
                throw FileErrors.fromErrno("copy", source, "open", -in);
            }
            int out = Fd.open(opening, names.allocateFrom(target.toString()),
                    FileSys.O_WRONLY | FileSys.O_CREAT | FileSys.O_TRUNC, FileSys.MODE_0666);
            if (out < 0) {
                Fd.closeQuietly(in);
                throw FileErrors.fromErrno("copy", target, "open", -out);
            }
            return new NativeCopyEnds(source, target, in, out);
        }
    }

    @Override
    public long step(long max, BooleanSupplier stop) throws IOException {
        long done = 0;
        while (done < max && !stop.getAsBoolean()) {
            long want = Math.min(CALL, max - done);
            long n = kernelCopy ? kernel(want) : buffered(want);
            if (n == 0) {
                break; // the end of the source
            }
            if (n > 0) {
                done += n;
            }
            // n < 0: the kernel copy was just given up; go on with the fallback
        }
        return done;
    }

    /** One copy_file_range call: bytes copied, 0 at the end, -1 if this pair needs the fallback. */
    private long kernel(long want) throws IOException {
        long n;
        do {
            n = FileSys.copyFileRange(cs, in, out, want);
        } while (n == -Errno.EINTR);
        if (n >= 0) {
            return n;
        }
        int errno = (int) -n;
        if (FileSys.copyUnsupported(errno)) {
            kernelCopy = false;
            return -1;
        }
        throw FileErrors.fromErrno("copy", isTargets(errno) ? target : source, "copy_file_range", errno);
    }

    /** One read of up to {@link #BUFFER} bytes and the writes that place them: bytes copied, 0 at the end. */
    private long buffered(long want) throws IOException {
        if (buffer == null) {
            bufferArena = Arena.ofShared(); // steps run on different pool threads
            buffer = bufferArena.allocate(BUFFER, 4096);
        }
        long n;
        do {
            n = Io.read(cs, in, buffer, Math.min(want, BUFFER));
        } while (n == -Errno.EINTR);
        if (n < 0) {
            throw FileErrors.fromErrno("copy", source, "read", (int) -n);
        }
        for (long w = 0; w < n; ) {
            long k = Io.write(cs, out, buffer.asSlice(w), n - w);
            if (k == -Errno.EINTR) {
                continue;
            }
            if (k < 0) {
                throw FileErrors.fromErrno("copy", target, "write", (int) -k);
            }
            w += k;
        }
        return n;
    }

    /** Whether a copy_file_range errno is about the target (a full or limited file system), not the source. */
    private static boolean isTargets(int errno) {
        return errno == Errno.ENOSPC || errno == FileSys.EDQUOT || errno == FileSys.EFBIG;
    }

    @Override
    public void close() {
        Fd.closeQuietly(in);
        Fd.closeQuietly(out);
        cs.close();
        if (bufferArena != null) {
            bufferArena.close();
        }
    }
}
