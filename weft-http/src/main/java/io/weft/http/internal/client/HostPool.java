package io.weft.http.internal.client;

import io.weft.http.client.HttpTimeoutException;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.TlsOptions;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The connections to one scheme://host:port: idle ones (reused last-in first-out, so that
 * the least recently used ones time out), a count of open and connecting ones bounded by the
 * per-host limit (and, through the client, the total), and the exchanges waiting for one.
 * Loop thread only.
 */
public final class HostPool {
    final ClientCore client;
    final String host;
    final int port;
    final boolean https;
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private final Set<ClientConnection> counted = new HashSet<>();
    private int connecting;

    HostPool(ClientCore client, String host, int port, boolean https) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.https = https;
    }

    int open() {
        return counted.size() + connecting;
    }

    boolean hasWaiters() {
        return !waiting.isEmpty();
    }

    /** Gives {@code ex} a connection now, or when one frees up. */
    void acquire(Exchange ex) {
        while (!idle.isEmpty()) {
            ClientConnection c = idle.pollLast();
            if (c.isOpen()) {
                ex.dispatch(c);
                return;
            }
        }
        if (open() < client.options.maxConnectionsPerHost() && client.total() < client.options.maxConnections()) {
            connect(ex);
        } else {
            waiting.addLast(ex);
        }
    }

    private void connect(Exchange ex) {
        connecting++;
        ConnectOptions.Builder o = ConnectOptions.builder().noDelay(true).connectTimeout(client.options.connectTimeout());
        if (https) {
            TlsOptions tls = client.options.tls() != null ? client.options.tls() : TlsOptions.client();
            o.tls(tls);
        }
        Net.createConnection(client.loop, () -> new ClientConnection(this, client.loop), host, port, o.build())
                .whenComplete((c, failure) -> {
                    connecting--;
                    if (failure != null) {
                        Throwable f = failure instanceof TimeoutException
                                ? new HttpTimeoutException(HttpTimeoutException.Kind.CONNECT,
                                        "no connection to " + host + ":" + port + " within " + client.options.connectTimeout())
                                : failure;
                        ex.connectFailed(f);
                        client.poke();
                        return;
                    }
                    counted.add(c);
                    ex.dispatch(c);
                });
    }

    /** A connection finished an exchange and may be reused. */
    void release(ClientConnection c) {
        Exchange next = waiting.pollFirst();
        while (next != null && next.isCancelled()) {
            next = waiting.pollFirst();
        }
        if (next != null) {
            next.dispatch(c);
            return;
        }
        idle.addLast(c);
        c.idle(client.options.idleTimeout());
    }

    /** A connection closed. */
    void gone(ClientConnection c) {
        idle.remove(c);
        if (counted.remove(c)) {
            client.poke();
        }
    }

    /** Starts connections for waiting exchanges, as far as the limits allow. */
    void serveWaiters() {
        while (!waiting.isEmpty() && open() < client.options.maxConnectionsPerHost()
                && client.total() < client.options.maxConnections()) {
            Exchange ex = waiting.pollFirst();
            if (!ex.isCancelled()) {
                connect(ex);
            }
        }
    }

    /** Closes every idle connection. */
    void closeIdle() {
        while (!idle.isEmpty()) {
            idle.pollFirst().abort();
        }
    }
}
