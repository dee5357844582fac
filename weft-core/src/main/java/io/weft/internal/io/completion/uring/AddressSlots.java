package io.weft.internal.io.completion.uring;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.function.LongFunction;

/**
 * Native {@code sockaddr_storage}-sized slots for operations in flight (a connect's peer address):
 * taken when the SQE is written, given back when its CQE arrives, reused after. The memory is the
 * driver's ({@link UringDriver#allocate}) and lives until the driver's close. Loop thread only.
 */
final class AddressSlots {
    /** {@code sizeof(struct sockaddr_storage)}: x86_64-linux-gnu/bits/socket.h {@code _SS_SIZE 128}. */
    static final int SIZE = 128;
    private final ArrayDeque<MemorySegment> free = new ArrayDeque<>();
    private final LongFunction<MemorySegment> allocator;

    AddressSlots(LongFunction<MemorySegment> allocator) {
        this.allocator = allocator;
    }

    MemorySegment take() {
        MemorySegment s = free.poll();
        return s != null ? s : allocator.apply(SIZE);
    }

    void give(MemorySegment s) {
        if (s != null) {
            free.push(s);
        }
    }
}
