package io.weft.testkit.sim;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Everything that happened in a simulation, folded into one running 64-bit hash: every
 * connect, accept, delivery of bytes (with their content), fault injected, time jump, timer
 * fired and loop turn. Two runs of the same seed give the same {@link #hex()}; a difference
 * means something under simulation was not deterministic (the real clock, {@code Math.random},
 * iteration over identity hash codes, another thread).
 *
 * <p>The last {@link #KEPT} events are also kept as text, for a failure report.
 *
 * <p>Threading: the simulation's thread only.
 */
public final class Trace {
    /** How many recent events are kept as text. */
    public static final int KEPT = 200;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private long hash = FNV_OFFSET;
    private long events;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final boolean keepText;

    Trace(boolean keepText) {
        this.keepText = keepText;
    }

    /** Folds one event: what kind, at what simulated time, with which numbers. */
    void event(long now, String kind, long... values) {
        events++;
        fold(now);
        for (int i = 0; i < kind.length(); i++) {
            fold(kind.charAt(i));
        }
        for (long v : values) {
            fold(v);
        }
        if (keepText) {
            StringBuilder b = new StringBuilder().append(now / 1000).append("us ").append(kind);
            for (long v : values) {
                b.append(' ').append(v);
            }
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(b.toString());
        }
    }

    /** Folds bytes (the content of a delivery). */
    void bytes(byte[] data, int off, int len) {
        long h = hash;
        for (int i = off; i < off + len; i++) {
            h = (h ^ (data[i] & 0xff)) * FNV_PRIME;
        }
        hash = h;
    }

    /** Folds the bytes of {@code data} from {@code off}, {@code len} of them (a file read or write); leaves its position. */
    void bytes(java.nio.ByteBuffer data, int off, int len) {
        long h = hash;
        for (int i = off; i < off + len; i++) {
            h = (h ^ (data.get(i) & 0xff)) * FNV_PRIME;
        }
        hash = h;
    }

    private void fold(long v) {
        long h = hash;
        for (int i = 0; i < 8; i++) {
            h = (h ^ (v & 0xff)) * FNV_PRIME;
            v >>>= 8;
        }
        hash = h;
    }

    /** The hash so far, as 16 hex digits. */
    public String hex() {
        return String.format("%016x", hash);
    }

    /** The hash so far. */
    public long hash() {
        return hash;
    }

    /** Events folded so far. */
    public long events() {
        return events;
    }

    /** The most recent events as text, oldest first (empty unless the simulation keeps text). */
    public List<String> recent() {
        return List.copyOf(recent);
    }

    @Override
    public String toString() {
        return "trace " + hex() + " (" + events + " events)";
    }
}
