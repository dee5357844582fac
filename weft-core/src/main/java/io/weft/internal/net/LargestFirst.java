package io.weft.internal.net;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Connections ordered by the output they buffer, most first: whom
 * {@link io.weft.net.OverflowPolicy#DROP_LARGEST} drops. A change, a removal and finding the
 * largest each cost O(log n) in the connections that buffer anything, so a server with ten
 * thousand connections does not scan them all on every write that crosses its cap.
 *
 * <p>Among connections buffering the same amount, the one that has been buffering longest
 * (without draining to zero in between) comes first: deterministic, and that is the slowest
 * reader. Only connections that buffer something are held; one that drains to zero leaves, so
 * idle connections cost nothing here. Loop thread only.
 *
 * @param <T> what is ranked (a transport; anything with identity equality)
 */
final class LargestFirst<T> {
    /** One ranked key: its size and when it started buffering. Immutable, so the set stays sorted. */
    private record Entry<T>(long size, long since, T key) {
    }

    private final TreeSet<Entry<T>> order = new TreeSet<>((a, b) -> {
        int c = Long.compare(b.size, a.size);
        return c != 0 ? c : Long.compare(a.since, b.since);
    });
    private final Map<T, Entry<T>> entries = new HashMap<>();
    /** Stamps entries in the order they start buffering; unique, so no two entries compare equal. */
    private long clock;

    /** {@code key}'s buffered size changed by {@code delta}. */
    void changed(T key, long delta) {
        Entry<T> old = entries.get(key);
        long size = (old == null ? 0 : old.size) + delta;
        if (old != null) {
            order.remove(old);
        }
        if (size <= 0) {
            entries.remove(key);
            return;
        }
        Entry<T> e = new Entry<>(size, old == null ? clock++ : old.since, key);
        entries.put(key, e);
        order.add(e);
    }

    /** Forgets {@code key} (it is closed). */
    void remove(T key) {
        Entry<T> old = entries.remove(key);
        if (old != null) {
            order.remove(old);
        }
    }

    /** The key buffering the most, or null if none buffers anything. */
    T largest() {
        return order.isEmpty() ? null : order.first().key;
    }

    /** What {@code key} buffers, as this ranking knows it. */
    long sizeOf(T key) {
        Entry<T> e = entries.get(key);
        return e == null ? 0 : e.size;
    }

    /** How many keys buffer something. */
    int size() {
        return entries.size();
    }
}
