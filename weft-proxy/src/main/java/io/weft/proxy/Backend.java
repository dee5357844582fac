package io.weft.proxy;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server behind a {@link TcpBalancer}, as the balancer sees it now. Shared by every loop of
 * the balancer and readable from any thread: the state is a volatile flag written only by the
 * health checks (which run on the balancer's first loop) and atomic counters that every loop
 * raises and lowers, so least-connections sees the connections of all loops without a lock.
 */
public final class Backend {
    private final InetSocketAddress address;
    volatile boolean up = true;
    /** Connections open or being opened to it, over every loop. */
    final AtomicInteger active = new AtomicInteger();
    final LongAdder connections = new LongAdder();
    // The health checks' own state: the first loop's thread only.
    int passes;
    int failures;
    io.weft.loop.TimerHandle check;

    Backend(InetSocketAddress address) {
        this.address = address;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Whether the health checks consider it up (servers start up, before the first check). */
    public boolean isUp() {
        return up;
    }

    /** Connections through the balancer open to it now, over every loop, counting those still connecting. */
    public int activeConnections() {
        return active.get();
    }

    /** Connections the balancer made to it since the start (tunnels opened). */
    public long totalConnections() {
        return connections.sum();
    }

    @Override
    public String toString() {
        return address.getHostString() + ":" + address.getPort() + (up ? " up" : " down") + ", " + active.get() + " open";
    }
}
