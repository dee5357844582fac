package io.weft.proxy;

import java.net.InetSocketAddress;

/**
 * One server behind a {@link TcpBalancer}, as the balancer sees it now. Read on the loop thread;
 * the balancer changes it.
 */
public final class Backend {
    private final InetSocketAddress address;
    boolean up = true;
    int active;
    int passes;
    int failures;
    long connections;
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

    /** Connections through the balancer open to it now. */
    public int activeConnections() {
        return active;
    }

    /** Connections the balancer made to it since the start. */
    public long totalConnections() {
        return connections;
    }

    @Override
    public String toString() {
        return address.getHostString() + ":" + address.getPort() + (up ? " up" : " down") + ", " + active + " open";
    }
}
