package io.weft.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * The processor architectures this layer knows the system-call ABI of, and the one place where a
 * layout differs between them.
 *
 * <p>Both are LP64 Linux ABIs ({@code long}, {@code size_t}, {@code ssize_t} and pointers are
 * 64 bits, {@code int} and {@code socklen_t} 32), and both use the asm-generic errno, socket and
 * fcntl numbers, so every constant in this package holds for both. What differs is
 * {@code struct epoll_event}: linux/eventpoll.h declares it {@code EPOLL_PACKED}, which is
 * {@code __attribute__((packed))} only {@code #ifdef __x86_64__} (to match the 32-bit layout), so
 * it is 12 bytes with {@code data} at offset 4 on x86-64 and 16 bytes with {@code data} at offset 8
 * on aarch64. Any other architecture is refused: its constants (MIPS, SPARC, Alpha and PA-RISC have
 * their own errno and socket numbers) and struct padding have not been checked.
 */
enum Arch {
    X86_64,
    AARCH64;

    /** The architecture this JVM runs on, or {@code null} if this layer does not support it. */
    static Arch current() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    /** Why {@link #current()} is {@code null}, for {@link Sys#probe()}. */
    static String unsupportedReason() {
        return "unsupported architecture '" + System.getProperty("os.arch")
                + "': the native calls know the x86-64 and aarch64 Linux ABIs only (struct epoll_event"
                + " and errno numbers differ elsewhere); use the nio backend";
    }

    /**
     * {@code struct epoll_event { __poll_t events; __u64 data; } EPOLL_PACKED;} (linux/eventpoll.h):
     * packed, 12 bytes, on x86-64; naturally aligned, 16 bytes, on aarch64.
     */
    StructLayout epollEvent() {
        return switch (this) {
            case X86_64 -> MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"));
            case AARCH64 -> MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));
        };
    }
}
