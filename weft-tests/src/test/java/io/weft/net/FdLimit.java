package io.weft.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.weft.testkit.FileDescriptors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Runs this process out of file descriptors, for real, and gives them back (Linux, x86-64 or
 * aarch64: {@code struct rlimit} is two 64-bit words there).
 *
 * <p>The JVM raises its soft RLIMIT_NOFILE to the hard limit at start, which can be a million;
 * opening that many files would take long. So the soft limit is first lowered (setrlimit) to a
 * little above the highest descriptor in use, then /dev/null is opened until EMFILE. {@link
 * #close()} closes them and restores the limit.
 */
final class FdLimit implements AutoCloseable {
    private static final int RLIMIT_NOFILE = 7;
    private static final MethodHandle GETRLIMIT;
    private static final MethodHandle SETRLIMIT;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor sig = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
        GETRLIMIT = linker.downcallHandle(linker.defaultLookup().find("getrlimit").orElseThrow(), sig);
        SETRLIMIT = linker.downcallHandle(linker.defaultLookup().find("setrlimit").orElseThrow(), sig);
    }

    private final long softBefore;
    private final long hard;
    private final List<FileChannel> held = new ArrayList<>();

    private FdLimit(long softBefore, long hard) {
        this.softBefore = softBefore;
        this.hard = hard;
    }

    /** Uses up every descriptor: afterwards any open, socket or accept fails with EMFILE. */
    static FdLimit exhaust() throws IOException {
        long[] limit = get();
        long highest = highestOpenFd();
        FdLimit l = new FdLimit(limit[0], limit[1]);
        set(Math.min(limit[0], highest + 16), limit[1]);
        try {
            while (true) {
                try {
                    l.held.add(FileChannel.open(Path.of("/dev/null")));
                } catch (IOException e) {
                    if (String.valueOf(e.getMessage()).contains("Too many open files")) {
                        break;
                    }
                    throw e;
                }
                if (l.held.size() > 100_000) {
                    throw new IllegalStateException("opened 100000 files without running out");
                }
            }
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
        return l;
    }

    int held() {
        return held.size();
    }

    /** Gives the descriptors back and restores the limit. */
    @Override
    public void close() throws IOException {
        for (FileChannel c : held) {
            c.close();
        }
        held.clear();
        set(softBefore, hard);
    }

    private static long highestOpenFd() {
        SortedMap<Integer, String> fds = FileDescriptors.open();
        return fds.isEmpty() ? 0 : fds.lastKey();
    }

    private static long[] get() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(16);
            int rc = (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, r);
            if (rc != 0) {
                throw new IllegalStateException("getrlimit failed");
            }
            return new long[] {r.get(JAVA_LONG, 0), r.get(JAVA_LONG, 8)};
        } catch (Throwable e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private static void set(long soft, long hard) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(16);
            r.set(JAVA_LONG, 0, soft);
            r.set(JAVA_LONG, 8, hard);
            int rc = (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, r);
            if (rc != 0) {
                throw new IllegalStateException("setrlimit(" + soft + ", " + hard + ") failed");
            }
        } catch (Throwable e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }
}
