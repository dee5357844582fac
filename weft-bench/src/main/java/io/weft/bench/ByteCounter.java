package io.weft.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counts the bytes a receiving thread takes in and wakes the benchmark thread when an
 * invocation's worth has arrived: the end of a streaming invocation is "the receiver has every
 * byte", not "the sender handed them to a buffer".
 *
 * <p>Threading: one counting thread calls {@link #count}; the benchmark thread calls
 * {@link #expect} then {@link #await}. A target is raised once: the counting thread remembers
 * the last target it raised, so a stale read of the previous target cannot end the next
 * invocation early.
 */
final class ByteCounter {
    private static final VarHandle RECEIVED;
    private static final VarHandle CALLS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RECEIVED = l.findVarHandle(ByteCounter.class, "received", long.class);
            CALLS = l.findVarHandle(ByteCounter.class, "calls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Signal signal = Signal.parking();
    /** Written by the counting thread only; read by the benchmark thread to place the next target. */
    private volatile long received;
    private volatile long target;
    /** Counting thread only. */
    private long raised;
    /** Calls of {@link #count}; written by the counting thread only. */
    private volatile long calls;

    /** Counting thread: {@code n} more bytes arrived. */
    void count(long n) {
        long r = (long) RECEIVED.getOpaque(this) + n;
        RECEIVED.setRelease(this, r);
        CALLS.setRelease(this, (long) CALLS.getOpaque(this) + 1);
        long t = target;
        if (r >= t && t != raised) {
            raised = t;
            signal.raise();
        }
    }

    /**
     * Benchmark thread: the invocation starting now ends once {@code more} bytes beyond those
     * received so far have arrived. Bytes that arrived between invocations (a sender that never
     * stops) are not counted towards it.
     */
    void expect(long more) {
        signal.reset();
        target = received + more;
    }

    void await() {
        signal.await();
    }

    long received() {
        return received;
    }

    long calls() {
        return calls;
    }
}
