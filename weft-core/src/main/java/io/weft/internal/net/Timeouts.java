package io.weft.internal.net;

import io.weft.net.TimeoutKind;
import java.time.Duration;

/**
 * A connection's idle, read and write timeouts, as deadlines recomputed when one timer fires.
 *
 * <p>Traffic only stamps a time; it never touches the timer heap. The single timer per
 * connection fires at the earliest deadline that could have passed, finds the real state, and
 * either closes the connection or sleeps until the next deadline. Ten thousand busy connections
 * thus cost no timer churn at all. Loop thread only.
 */
final class Timeouts {
    private final Duration idle;
    private final Duration read;
    private final Duration write;
    long lastRead;
    long lastWrite;
    /** When buffered output last made progress or started waiting. */
    long writeStalledSince;

    Timeouts(Duration idle, Duration read, Duration write, long now) {
        this.idle = idle;
        this.read = read;
        this.write = write;
        this.lastRead = now;
        this.lastWrite = now;
        this.writeStalledSince = now;
    }

    static boolean any(Duration idle, Duration read, Duration write) {
        return idle != null || read != null || write != null;
    }

    /**
     * The next time to check, given the state now and that nothing has {@link #expired}. A
     * timeout that does not apply now (read while paused, write with nothing buffered) is
     * checked again one period later.
     */
    long nextCheck(long now, boolean reading, boolean writing) {
        long next = Long.MAX_VALUE;
        if (idle != null) {
            next = Math.min(next, Math.max(lastRead, lastWrite) + idle.toNanos());
        }
        if (read != null) {
            next = Math.min(next, (reading ? lastRead : now) + read.toNanos());
        }
        if (write != null) {
            next = Math.min(next, (writing ? writeStalledSince : now) + write.toNanos());
        }
        return next;
    }

    /**
     * Which timeout has passed at {@code now}, or null.
     *
     * @param reading whether the transport is waiting for data (not paused, no EOF yet)
     * @param writing whether output is buffered
     */
    TimeoutKind expired(long now, boolean reading, boolean writing) {
        if (idle != null && now - Math.max(lastRead, lastWrite) >= idle.toNanos()) {
            return TimeoutKind.IDLE;
        }
        if (read != null && reading && now - lastRead >= read.toNanos()) {
            return TimeoutKind.READ;
        }
        if (write != null && writing && now - writeStalledSince >= write.toNanos()) {
            return TimeoutKind.WRITE;
        }
        return null;
    }

    Duration duration(TimeoutKind kind) {
        return switch (kind) {
            case IDLE -> idle;
            case READ -> read;
            case WRITE -> write;
        };
    }
}
