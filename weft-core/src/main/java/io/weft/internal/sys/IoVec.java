package io.weft.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iovec { void *iov_base; size_t iov_len; }} (x86_64-linux-gnu/bits/types/struct_iovec.h),
 * 16 bytes: arrays of them for {@code readv}, {@code writev} and {@code msghdr.msg_iov}. The
 * caller owns the array segment and the buffers it points at, and keeps both alive until the
 * call returns (the kernel copies; nothing is retained after).
 */
public final class IoVec {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));
    public static final long SIZE = LAYOUT.byteSize();

    private IoVec() {
    }

    /** Points entry {@code i} of {@code array} at {@code length} bytes of native {@code buffer} from {@code offset}. */
    public static void set(MemorySegment array, int i, MemorySegment buffer, long offset, long length) {
        array.set(ValueLayout.ADDRESS, i * SIZE, buffer.asSlice(offset, length));
        array.set(ValueLayout.JAVA_LONG, i * SIZE + 8, length);
    }

    /** Points entry {@code i} at raw address {@code address}, {@code length} bytes (no slice made). */
    public static void setRaw(MemorySegment array, int i, long address, long length) {
        array.set(ValueLayout.JAVA_LONG, i * SIZE, address);
        array.set(ValueLayout.JAVA_LONG, i * SIZE + 8, length);
    }
}
