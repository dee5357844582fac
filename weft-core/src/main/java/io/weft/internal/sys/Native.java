package io.weft.internal.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Makes the downcall handles of this package: each class keeps its handles in
 * {@code static final} fields, made once when the class initialises, so the JIT sees them as
 * constants and inlines the call.
 *
 * <p>Not touched before {@link Sys#probe()} says the platform is supported: on another OS or
 * architecture, or without native access, initialising this class fails.
 *
 * <p>Why {@code critical} is an option per handle: {@link Linker.Option#critical(boolean)} skips
 * the Java-to-native thread state transition (no safepoint poll on return), which only a call
 * that can never block may have, since a garbage collection waits for it. On JDK 25 it may be
 * combined with {@code captureCallState("errno")}. Whether it pays is measured by
 * {@code io.weft.bench.SysCallBenchmark}; see {@link Io} for where it is used.
 */
@SuppressWarnings("restricted") // Sys.probe() checks native access is enabled before this class is touched
public final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** The layout of the segment that {@code captureCallState("errno")} writes errno into. */
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    // C types of the LP64 Linux ABIs (Arch): int and socklen_t are 32 bits; long, size_t,
    // ssize_t, off_t and pointers 64.
    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout C_POINTER = ValueLayout.ADDRESS;

    private Native() {
    }

    /**
     * A handle to the libc function {@code name} whose first parameter is the errno capture
     * segment ({@link CallState}), followed by {@code descriptor}'s parameters.
     *
     * @param critical whether to link it {@code critical(false)}: only for a call that cannot
     *                 block (non-blocking descriptors) and takes native segments only
     */
    public static MethodHandle withErrno(String name, FunctionDescriptor descriptor, boolean critical) {
        return critical
                ? LINKER.downcallHandle(find(name), descriptor, ERRNO, CRITICAL)
                : LINKER.downcallHandle(find(name), descriptor, ERRNO);
    }

    /**
     * As {@link #withErrno}, for a variadic function whose variadic arguments start at
     * parameter {@code firstVariadic} of {@code descriptor} ({@code open}'s {@code mode}).
     */
    static MethodHandle withErrnoVariadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(find(name), descriptor, ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A handle to {@code name} that does not capture errno, for calls whose failure we ignore. */
    static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor);
    }

    /** Whether libc exports {@code name} (glibc added {@code epoll_pwait2} in 2.35, say). */
    static boolean has(String name) {
        return LIBC.find(name).isPresent();
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "libc has no '" + name + "' (glibc too old?); use the nio backend"));
    }

    /**
     * What a raw call does when {@code invokeExact} throws, which only a programming error can
     * make it do (a closed arena, a heap segment passed to a critical call): rethrown unchecked.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
