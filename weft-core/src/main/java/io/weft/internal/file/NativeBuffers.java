package io.weft.internal.file;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Large buffers for whole-file reads, mapped fresh from the kernel ({@code mmap} of anonymous
 * memory) instead of {@link ByteBuffer#allocateDirect}.
 *
 * <p>Why: {@code allocateDirect} zeroes its memory on the calling thread before anything can be
 * read into it, and on this machine's VM touching 1 GiB of fresh memory costs about as much as
 * reading it (a page fault per 4 KiB, measured in docs/benchmarks.md, "Files"). Anonymous pages
 * from {@code mmap} are zero already and are faulted in lazily, by the positional reads that
 * fill them, on the pool threads in parallel: the serial zeroing pass disappears.
 *
 * <p>What was measured and not kept (docs/benchmarks.md, "Files"): on this VM (free page
 * reporting on, so fresh guest memory is also fresh host memory) {@code MADV_HUGEPAGE} on a
 * 2 MiB-aligned mapping made readAll three to six times slower in the JVM, though a C reader with
 * the same advice ran at cat's rate in some runs; {@code MAP_POPULATE} (all faults in the
 * {@code mmap} call, one thread) was inside the noise. The costly part is the first touch of
 * memory the host has to back, which no flag here avoids; a reused buffer does not pay it.
 *
 * <p>Memory lifetime: the mapping belongs to an automatic arena; it is unmapped when the
 * returned buffer (and every slice of it) is unreachable, as a direct buffer's memory is freed,
 * or at once by {@link FreshBuffer#free()} (then never again by the cleaner). Page-aligned, so
 * it suits O_DIRECT. Falls back to {@code allocateDirect} where the native call is not available
 * (not Linux, or native access denied).
 */
public final class NativeBuffers {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;        // asm-generic/mman-common.h PROT_READ | PROT_WRITE
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20; // linux/mman.h MAP_PRIVATE, asm-generic/mman-common.h MAP_ANONYMOUS
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

    /**
     * A zeroed, page-aligned buffer of {@code capacity} bytes whose address is a multiple of
     * {@code alignment}.
     */
    public static FreshBuffer allocate(int capacity, int alignment) {
        if (MMAP != null && MUNMAP != null && alignment <= PAGE && capacity >= (1 << 20)) {
            try {
                long length = capacity;
                MemorySegment m = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length,
                        PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (m.address() != -1L) {
                    long address = m.address();
                    AtomicBoolean unmapped = new AtomicBoolean();
                    Runnable unmap = () -> {
                        if (unmapped.compareAndSet(false, true)) {
                            unmap(address, length);
                        }
                    };
                    // Owned by an automatic arena: unmapped by its cleanup once the buffer is
                    // unreachable, unless free() did it first.
                    ByteBuffer b = MemorySegment.ofAddress(address).reinterpret(capacity, Arena.ofAuto(), gone -> unmap.run())
                            .asByteBuffer();
                    return new FreshBuffer(b, unmap);
                }
            } catch (Throwable e) {
                // fall through to the JDK's allocator
            }
        }
        ByteBuffer b = alignment <= 1 ? ByteBuffer.allocateDirect(capacity)
                : ByteBuffer.allocateDirect(capacity + alignment).alignedSlice(alignment).slice(0, capacity);
        return new FreshBuffer(b, () -> { });
    }

    private static void unmap(long address, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable e) {
            // nothing to do in a cleaner: the mapping stays until the process ends
        }
    }
}
