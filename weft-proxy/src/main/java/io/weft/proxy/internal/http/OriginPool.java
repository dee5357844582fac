package io.weft.proxy.internal.http;

import io.weft.loop.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One loop's idle keep-alive connections to origin servers, by origin address: at most
 * {@code maxIdlePerOrigin} each, the most recently used taken first (it is the least likely to
 * have been closed by the origin's own idle timeout), each closed after {@code idleTimeout}.
 * A connection is in the pool only while no exchange uses it. Loop thread (its loop's).
 */
public final class OriginPool {
    private final EventLoop loop;
    private final int maxIdlePerOrigin;
    private final Duration idleTimeout;
    private final Map<InetSocketAddress, ArrayDeque<OriginConnection>> idle = new HashMap<>();
    private boolean closed;
    private long reuses;

    public OriginPool(EventLoop loop, int maxIdlePerOrigin, Duration idleTimeout) {
        this.loop = loop;
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.idleTimeout = idleTimeout;
    }

    EventLoop loop() {
        return loop;
    }

    /** Whether forward requests keep connections at all (else they send {@code Connection: close}). */
    boolean enabled() {
        return maxIdlePerOrigin > 0 && !closed;
    }

    /** The most recently rested usable connection to {@code origin}, taken out of the pool, or null. */
    OriginConnection take(InetSocketAddress origin) {
        ArrayDeque<OriginConnection> q = idle.get(origin);
        while (q != null && !q.isEmpty()) {
            OriginConnection c = q.pollLast();
            if (q.isEmpty()) {
                idle.remove(origin);
            }
            if (c.usable()) {
                reuses++;
                return c;
            }
            c.closeIdle();
        }
        return null;
    }

    /** Takes back a connection whose exchange ended cleanly; closes it when the pool is full or stopped. */
    void give(OriginConnection c) {
        ArrayDeque<OriginConnection> q = idle.computeIfAbsent(c.origin(), k -> new ArrayDeque<>());
        if (closed || q.size() >= maxIdlePerOrigin || !c.usable()) {
            if (q.isEmpty()) {
                idle.remove(c.origin());
            }
            c.closeIdle();
            return;
        }
        q.addLast(c);
        c.idleFor(idleTimeout);
    }

    /** An idle connection went away by itself. */
    void forget(OriginConnection c) {
        ArrayDeque<OriginConnection> q = idle.get(c.origin());
        if (q != null && q.remove(c) && q.isEmpty()) {
            idle.remove(c.origin());
        }
    }

    /** Idle connections now, over every origin. */
    public int idleCount() {
        int n = 0;
        for (ArrayDeque<OriginConnection> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    /** Requests sent on a pooled connection since the start. */
    public long reuses() {
        return reuses;
    }

    /** Closes every idle connection; connections given back later are closed too. Idempotent. */
    public void close() {
        closed = true;
        List<OriginConnection> all = new ArrayList<>();
        for (ArrayDeque<OriginConnection> q : idle.values()) {
            all.addAll(q);
        }
        idle.clear();
        for (OriginConnection c : all) {
            c.closeIdle();
        }
    }
}
