package io.weft.proxy.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections held per client address, shared by every loop of one proxy, so that a client
 * cannot get {@code loops x limit} connections by landing on different loops. Any thread.
 *
 * <p>No lock on the path of a client that already holds a connection: the counter is found
 * with {@link ConcurrentHashMap#get} (lock-free) and raised by compare-and-set below the limit.
 * Only a client's first connection inserts a counter ({@code computeIfAbsent} locks one hash
 * bin for that moment). A counter that drops to zero is retired by setting it to -1 before it
 * is removed; a loop that finds a retired counter retries with a fresh one, so an admission can
 * never be counted in a counter that has left the map.
 */
final class ClientCounts {
    private static final int RETIRED = -1;

    private final ConcurrentHashMap<InetAddress, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Counts one more connection from {@code client} unless it holds {@code max} already (0: no limit). */
    boolean tryAcquire(InetAddress client, int max) {
        while (true) {
            AtomicInteger c = counts.get(client);
            if (c == null) {
                c = counts.computeIfAbsent(client, k -> new AtomicInteger());
            }
            int n = c.get();
            while (n != RETIRED) {
                if (max > 0 && n >= max) {
                    return false;
                }
                if (c.compareAndSet(n, n + 1)) {
                    return true;
                }
                n = c.get();
            }
            // Retired between get and here: its remover takes it out of the map; try again.
            counts.remove(client, c);
        }
    }

    /** One connection from {@code client} ended; it must have been counted by {@link #tryAcquire}. */
    void release(InetAddress client) {
        AtomicInteger c = counts.get(client);
        if (c == null) {
            return;
        }
        if (c.decrementAndGet() == 0 && c.compareAndSet(0, RETIRED)) {
            counts.remove(client, c);
        }
    }

    /** Connections {@code client} holds now (a racy read, for tests and stats). */
    int held(InetAddress client) {
        AtomicInteger c = counts.get(client);
        return c == null ? 0 : Math.max(0, c.get());
    }

    /** Client addresses with a counter now. */
    int clients() {
        return counts.size();
    }
}
