package io.weft.internal.file;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * Large buffers for whole-file reads, mapped fresh from the kernel ({@code mmap} of anonymous
 * memory) instead of {@link ByteBuffer#allocateDirect}.
 *
 * <p>Why: {@code allocateDirect} zeroes its memory on the calling thread before anything can be
 * read into it, and on this machine's VM touching 1 GiB of fresh memory costs about as much as
 * reading it (a page fault per 4 KiB, some 2 s per GiB under load, measured in
 * docs/benchmarks.md). Anonymous pages from {@code mmap} are zero already and are faulted in
 * lazily, by the positional reads that fill them, on the pool threads in parallel: the serial
 * zeroing pass disappears. Transparent huge pages are not asked for ({@code MADV_HUGEPAGE} made
 * the same reads four times slower here, the kernel compacting memory at each fault).
 *
 * <p>Memory lifetime: the mapping belongs to an automatic arena; it is unmapped when the
 * returned buffer (and every slice of it) is unreachable, as a direct buffer's memory is freed.
 * Page-aligned, so it suits O_DIRECT. Falls back to {@code allocateDirect} where the native
 * call is not available (not Linux, or native access denied).
 *
 * <p>This is the only FFM downcall in the file code; it moves to the shared system-call layer
 * once the native drivers bring one.
 */
public final class NativeBuffers {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20; // Linux values
    private static final long PAGE = 4096;
    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private NativeBuffers() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor signature) {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(f -> linker.downcallHandle(f, signature)).orElse(null);
        } catch (RuntimeException e) { // IllegalCallerException when native access is denied
            return null;
        }
    }

    /** A zeroed, page-aligned buffer of {@code capacity} bytes whose address is a multiple of {@code alignment}. */
    public static ByteBuffer allocate(int capacity, int alignment) {
        if (MMAP != null && MUNMAP != null && alignment <= PAGE && capacity >= (1 << 20)) {
            try {
                MemorySegment m = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, (long) capacity,
                        PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (m.address() != -1L) {
                    // Owned by an automatic arena: unmapped by the cleanup once the buffer is unreachable.
                    long address = m.address();
                    return m.reinterpret(capacity, Arena.ofAuto(), gone -> unmap(address, capacity)).asByteBuffer();
                }
            } catch (Throwable e) {
                // fall through to the JDK's allocator
            }
        }
        if (alignment <= 1) {
            return ByteBuffer.allocateDirect(capacity);
        }
        return ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).slice(0, capacity);
    }

    private static void unmap(long address, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable e) {
            // nothing to do in a cleaner: the mapping stays until the process ends
        }
    }
}
