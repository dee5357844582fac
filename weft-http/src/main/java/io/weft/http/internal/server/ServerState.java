package io.weft.http.internal.server;

import io.weft.future.Promise;
import io.weft.http.HttpHandler;
import io.weft.http.HttpServerOptions;
import io.weft.http.internal.parse.ParseLimits;
import io.weft.loop.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What every connection of one server on one loop shares: the options, the handler, the Date
 * cache, and the set of open connections that graceful shutdown walks. Loop thread only.
 */
public final class ServerState {
    final EventLoop loop;
    final HttpServerOptions options;
    final HttpHandler handler;
    final ParseLimits limits;
    final DateCache dates;
    final long headerTimeoutNanos;
    final long bodyTimeoutNanos;
    final long idleTimeoutNanos;
    private final Set<ServerConnection> connections = new LinkedHashSet<>();
    private boolean shuttingDown;
    private Promise<Void> drained;

    public ServerState(EventLoop loop, HttpServerOptions options, HttpHandler handler) {
        this.loop = loop;
        this.options = options;
        this.handler = handler;
        this.limits = new ParseLimits(options.maxRequestLine(), options.maxHeadBytes(), options.maxHeaders());
        this.dates = new DateCache(options.wallClock());
        this.headerTimeoutNanos = options.headerTimeout().toNanos();
        this.bodyTimeoutNanos = options.bodyTimeout().toNanos();
        this.idleTimeoutNanos = options.idleTimeout().toNanos();
    }

    /** The loop this server's connections live on. */
    public EventLoop loop() {
        return loop;
    }

    /** A protocol for a new connection. */
    public ServerConnection newConnection() {
        return new ServerConnection(this);
    }

    void added(ServerConnection c) {
        connections.add(c);
        if (shuttingDown) {
            c.shutdown();
        }
    }

    void removed(ServerConnection c) {
        connections.remove(c);
        if (shuttingDown && connections.isEmpty() && drained != null) {
            drained.complete(null);
        }
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    public int connectionCount() {
        return connections.size();
    }

    /**
     * Graceful shutdown of the connections (the caller has stopped accepting): idle ones close
     * now, busy ones after their response (which says {@code Connection: close}), and whatever
     * is left at {@code deadline} is aborted. Completes when none is left.
     */
    public Promise<Void> shutdown(Duration deadline) {
        if (drained != null) {
            return drained;
        }
        shuttingDown = true;
        drained = loop.newPromise();
        for (ServerConnection c : new ArrayList<>(connections)) {
            c.shutdown();
        }
        if (connections.isEmpty()) {
            drained.complete(null);
        } else {
            loop.callLater(deadline, () -> {
                for (ServerConnection c : new ArrayList<>(connections)) {
                    c.abort();
                }
            });
        }
        return drained;
    }

    /** Aborts every connection now. */
    public void abortAll() {
        shuttingDown = true;
        for (ServerConnection c : new ArrayList<>(connections)) {
            c.abort();
        }
    }
}
