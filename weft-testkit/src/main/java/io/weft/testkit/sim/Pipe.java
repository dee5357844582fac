package io.weft.testkit.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One direction of a simulated TCP connection: bytes in flight (each segment with the time it
 * arrives, never earlier than the segment before it, as TCP delivers in order) and bytes
 * arrived but not yet read. Both count against one capacity, the socket buffers of the two ends
 * together: a writer finds room only as the reader takes bytes, which is what makes flow control
 * happen. A FIN travels as the last segment. Simulation's thread only.
 */
final class Pipe {
    /** A segment of bytes, or the FIN (data null). */
    private record Segment(byte[] data, long at) {
    }

    final int capacity;
    private final ArrayDeque<Segment> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> arrived = new ArrayDeque<>();
    private int headOffset;
    private long inFlightBytes;
    private long arrivedBytes;
    private long lastArrival;
    private boolean finSent;
    private boolean finArrived;

    Pipe(int capacity) {
        this.capacity = capacity;
    }

    /** Room for more bytes now. */
    int space() {
        return (int) Math.max(0, capacity - inFlightBytes - arrivedBytes);
    }

    /** Sends {@code data}, due at {@code at} or after the segment before it; returns when it arrives. */
    long send(byte[] data, long at) {
        long when = Math.max(at, lastArrival);
        lastArrival = when;
        inFlight.addLast(new Segment(data, when));
        inFlightBytes += data.length;
        return when;
    }

    long sendFin(long at) {
        finSent = true;
        long when = Math.max(at, lastArrival);
        lastArrival = when;
        inFlight.addLast(new Segment(null, when));
        return when;
    }

    boolean finSent() {
        return finSent;
    }

    /** When the first segment in flight is due, or {@link Long#MAX_VALUE}. */
    long nextArrival() {
        Segment s = inFlight.peekFirst();
        return s == null ? Long.MAX_VALUE : s.at;
    }

    /**
     * Moves every segment due by {@code now} to the arrived side, telling {@code trace} of each;
     * returns the bytes moved (the FIN counts as none: see {@link #finArrived}).
     */
    long arrive(long now, Trace trace, long conn) {
        long moved = 0;
        Segment s;
        while ((s = inFlight.peekFirst()) != null && s.at <= now) {
            inFlight.pollFirst();
            if (s.data == null) {
                finArrived = true;
                trace.event(now, "fin", conn);
            } else {
                inFlightBytes -= s.data.length;
                arrivedBytes += s.data.length;
                arrived.addLast(s.data);
                trace.event(now, "deliver", conn, s.data.length);
                trace.bytes(s.data, 0, s.data.length);
                moved += s.data.length;
            }
        }
        return moved;
    }

    boolean finArrived() {
        return finArrived;
    }

    long unread() {
        return arrivedBytes;
    }

    /** Copies up to {@code max} arrived bytes into {@code dst}; returns how many. */
    int read(ByteBuffer dst, int max) {
        int n = 0;
        while (n < max && !arrived.isEmpty()) {
            byte[] head = arrived.peekFirst();
            int take = Math.min(max - n, head.length - headOffset);
            dst.put(head, headOffset, take);
            headOffset += take;
            n += take;
            if (headOffset == head.length) {
                arrived.pollFirst();
                headOffset = 0;
            }
        }
        arrivedBytes -= n;
        return n;
    }

    /** When the last segment sent arrives (or arrived). */
    long lastArrival() {
        return lastArrival;
    }

    /** Drops the bytes still in flight (a reset on the way), keeping those that arrived. */
    void dropInFlight() {
        inFlight.clear();
        inFlightBytes = 0;
    }

    /** Drops everything, in flight and arrived: a reset. */
    void clear() {
        inFlight.clear();
        arrived.clear();
        headOffset = 0;
        inFlightBytes = 0;
        arrivedBytes = 0;
    }

    /** Bytes still in flight. */
    long inFlightBytes() {
        return inFlightBytes;
    }
}
