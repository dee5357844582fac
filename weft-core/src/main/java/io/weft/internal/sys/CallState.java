package io.weft.internal.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One loop's native scratch memory for system calls: the segment errno is captured into (every
 * call that can fail takes it first), and small reused buffers for socket addresses, their
 * lengths and option values, so that no call allocates.
 *
 * <p>Threading: one thread at a time. A loop makes one, passes it into every call it makes, and
 * closes it when it closes; another thread (a waker) must not use it, since a call from there
 * would overwrite the errno or address the loop is about to read.
 *
 * <p>Why a shared arena: a loop is created on one thread and may run (and close) on another, and
 * a confined arena would refuse both. An automatic arena would free the memory only when the
 * garbage collector gets round to it; a shared one frees it at {@link #close()}, at the cost of
 * one handshake with the JVM's threads then, which a loop pays once.
 */
public final class CallState implements AutoCloseable {
    /** {@code sizeof(struct sockaddr_storage)}: {@code _SS_SIZE 128} (x86_64-linux-gnu/bits/socket.h). */
    static final int SOCKADDR_STORAGE_SIZE = 128;
    private static final int SCRATCH_SIZE = 32;

    private final Arena arena = Arena.ofShared();
    /** Owned by this CallState (errno of the last call); freed at {@link #close()}. */
    final MemorySegment capture = arena.allocate(Native.CAPTURE_LAYOUT);
    /** Owned by this CallState: a socket address in or out of a call; freed at {@link #close()}. */
    private final MemorySegment sockaddr = arena.allocate(SOCKADDR_STORAGE_SIZE, 8);
    /** Owned by this CallState: a {@code socklen_t} in/out parameter; freed at {@link #close()}. */
    final MemorySegment socklen = arena.allocate(ValueLayout.JAVA_INT);
    /** Owned by this CallState: option values, pipe fds, an eventfd counter, one epoll_event; freed at {@link #close()}. */
    final MemorySegment scratch = arena.allocate(MemoryLayout.sequenceLayout(SCRATCH_SIZE / 8, ValueLayout.JAVA_LONG));

    /**
     * The capture segment itself, for a handle made with {@link Native#withErrno} outside this
     * package (the system-call benchmark's critical and plain variants).
     */
    public MemorySegment captureSegment() {
        return capture;
    }

    /** The errno of the last call that failed. */
    public int errno() {
        return capture.get(ValueLayout.JAVA_INT, Native.ERRNO_OFFSET);
    }

    /** {@code -errno} of the last call that failed: what the raw calls return. */
    int fail() {
        return -errno();
    }

    /**
     * The socket address buffer ({@code sockaddr_storage} size): {@link SockAddr#encode} into it
     * before {@code bind}/{@code connect}/{@code sendto}, and {@link SockAddr#decode} from it
     * after {@code accept}/{@code getsockname}/{@code getpeername}/{@code recvfrom} (with
     * {@link #sockaddrLength()}). Valid until the next call that uses it.
     */
    public MemorySegment sockaddr() {
        return sockaddr;
    }

    /** The address length the kernel wrote by the last call that returns an address. */
    public int sockaddrLength() {
        return socklen.get(ValueLayout.JAVA_INT, 0);
    }

    /** The {@code i}-th int the last call left in the scratch buffer (an option value, a pipe end). */
    public int intResult(int i) {
        return scratch.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    /** Frees the memory. The loop calls it once, when nothing runs a call with it any more. */
    @Override
    public void close() {
        arena.close();
    }
}
