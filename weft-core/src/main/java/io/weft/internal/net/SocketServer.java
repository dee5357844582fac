package io.weft.internal.net;

import io.weft.future.Promise;
import io.weft.internal.io.AcceptedSocket;
import io.weft.internal.io.Errors;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.SocketIo;
import io.weft.internal.loop.Loop;
import io.weft.internal.loop.LoopResource;
import io.weft.internal.net.tls.TlsConnection;
import io.weft.internal.net.tls.TlsLayer;
import io.weft.loop.TimerHandle;
import io.weft.net.OutboundLimitException;
import io.weft.net.OverflowPolicy;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A listening server over one or more {@link ListenIo}s (TCP or Unix domain) of its loop's driver.
 *
 * <p>Accepting: up to {@link ListenIo#ACCEPT_BATCH} connections per readiness event, so a flood of
 * connects cannot starve established connections. When accept fails for want of file
 * descriptors (EMFILE/ENFILE), the listening sockets are disarmed and re-armed after a backoff
 * that doubles up to one second: level-triggered readiness would otherwise report the pending
 * connection again at once and spin a core. The first failure of a streak is reported; the
 * rest are counted. Loop thread only.
 */
public final class SocketServer implements Server, TransportObserver, LoopResource {
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final Loop loop;
    private final Supplier<? extends Protocol> factory;
    private final ServerOptions options;
    private final List<ListenIo> listeners = new ArrayList<>();
    private final Set<StreamTransport> connections = new LinkedHashSet<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicLong acceptedTotal = new AtomicLong();
    /** In a group without SO_REUSEPORT: where accepted sockets go instead of this loop. */
    private Consumer<AcceptedSocket> handoff;
    private final Promise<Void> closed;
    /** Written on the loop; volatile so a group can sum it from other threads. */
    private volatile long buffered;
    /** With {@link OverflowPolicy#DROP_LARGEST} and a cap: who buffers most, kept in order as it changes. */
    private final LargestFirst<StreamTransport> bySize = new LargestFirst<>();
    private boolean closing;
    private boolean armed;
    private Duration backoff = FIRST_BACKOFF;
    private TimerHandle retry;
    private long failedAccepts;

    private SocketServer(Loop loop, Supplier<? extends Protocol> factory, ServerOptions options) {
        this.loop = loop;
        this.factory = factory;
        this.options = options;
        this.closed = loop.newPromise();
    }

    /** Binds every address; on failure closes what was bound and throws. */
    public static SocketServer listen(Loop loop, Supplier<? extends Protocol> factory, List<SocketAddress> addresses,
            ServerOptions options) throws IOException {
        SocketServer server = new SocketServer(loop, factory, options);
        try {
            for (SocketAddress a : addresses) {
                server.bind(a);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.arm(true);
        loop.opened(server);
        return server;
    }

    private void bind(SocketAddress address) throws IOException {
        ListenIo l = loop.sockets().listen(address, options);
        listeners.add(l); // before starting: close() must close it (and remove a socket file already made)
        l.start(new ListenIo.AcceptSink() {
            @Override
            public void onAccepted(AcceptedSocket socket) {
                SocketServer.this.onAccepted(socket);
            }

            @Override
            public void onAcceptError(IOException error) {
                acceptFailed(error);
            }
        });
    }

    private void arm(boolean on) {
        armed = on;
        for (ListenIo l : listeners) {
            l.setAccepting(on);
        }
    }

    private void onAccepted(AcceptedSocket socket) {
        if (closing) {
            socket.close();
            return;
        }
        backoff = FIRST_BACKOFF;
        failedAccepts = 0;
        if (handoff != null) {
            handoff.accept(socket);
        } else {
            accepted(socket);
        }
        if (options.maxConnections() > 0 && connectionCount.get() >= options.maxConnections()) {
            arm(false); // re-armed when a connection closes; peers wait in the backlog
        }
    }

    private void acceptFailed(IOException e) {
        if (closing) {
            return;
        }
        if (failedAccepts++ == 0) {
            String why = Errors.isOutOfFiles(e) ? "out of file descriptors" : "accept failed";
            loop.reportException("server " + addresses() + ": " + why + "; pausing accepts for "
                    + backoff.toMillis() + " ms and retrying with backoff (further failures are not logged)", e);
        }
        arm(false);
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        retry = loop.callLater(wait, () -> {
            retry = null;
            if (!closing) {
                arm(true);
            }
        });
    }

    /** Sends accepted sockets to {@code target} (another loop's server) instead of serving them here. */
    public void handOffTo(Consumer<AcceptedSocket> target) {
        this.handoff = target;
    }

    /** Serves a socket accepted elsewhere (by a group's acceptor); loop thread. */
    public void adopt(AcceptedSocket c) {
        if (closing) {
            c.close();
            return;
        }
        accepted(c);
    }

    public Loop loop() {
        return loop;
    }

    /** Connections accepted over the server's life. Any thread. */
    public long acceptedTotal() {
        return acceptedTotal.get();
    }

    private void accepted(AcceptedSocket c) {
        acceptedTotal.incrementAndGet();
        Protocol app;
        SocketIo io;
        try {
            io = loop.sockets().adopt(c, options.noDelay());
        } catch (Throwable e) {
            loop.reportException("setting up a connection accepted by server " + addresses(), e);
            return;
        }
        try {
            app = factory.get();
        } catch (Throwable e) {
            io.close();
            loop.reportException("setting up a connection accepted by server " + addresses(), e);
            return;
        }
        Protocol p = options.tls() == null ? app : TlsLayer.server(loop, app, options.tls());
        StreamTransport t = new StreamTransport(loop, io, p, options.writeBufferHigh(),
                options.writeBufferLow(), this);
        t.setTimeouts(options.idleTimeout(), options.readTimeout(), options.writeTimeout());
        connections.add(t);
        connectionCount.incrementAndGet();
        t.start();
    }

    // ---- connections reporting in ----

    @Override
    public void bufferChanged(StreamTransport t, long delta) {
        buffered += delta;
        long max = options.maxBufferedBytes();
        if (max == 0) {
            return;
        }
        boolean largest = options.overflowPolicy() == OverflowPolicy.DROP_LARGEST;
        if (largest) {
            bySize.changed(t, delta); // O(log n): dropping below must not scan every connection
        }
        if (delta <= 0 || buffered <= max) {
            return;
        }
        if (!largest) {
            drop(t, max);
            return;
        }
        // Each drop reports the dropped buffer back here (as a negative delta), which takes it out.
        StreamTransport next;
        while (buffered > max && (next = bySize.largest()) != null) {
            drop(next, max);
            bySize.remove(next); // already out, unless it was closed before: never drop it twice
        }
    }

    private void drop(StreamTransport t, long max) {
        t.abort(new OutboundLimitException("dropped: the server's connections buffer " + buffered
                + " bytes of output, over its limit of " + max + "; this connection held " + t.writeBufferSize()));
    }

    @Override
    public void closed(StreamTransport t) {
        bySize.remove(t);
        if (!connections.remove(t)) {
            return;
        }
        int left = connectionCount.decrementAndGet();
        if (!closing && !armed && retry == null && options.maxConnections() > 0 && left < options.maxConnections()) {
            arm(true);
        }
        if (closing && left == 0) {
            closed.complete(null);
        }
    }

    // ---- Server ----

    @Override
    public List<SocketAddress> addresses() {
        List<SocketAddress> out = new ArrayList<>();
        for (ListenIo l : listeners) {
            SocketAddress a = l.localAddress();
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The first listening address as a TCP address (for tests and examples). */
    public InetSocketAddress inetAddress() {
        for (SocketAddress a : addresses()) {
            if (a instanceof InetSocketAddress i) {
                return i;
            }
        }
        throw new IllegalStateException("server has no TCP address: " + addresses());
    }

    @Override
    public int connectionCount() {
        return connectionCount.get();
    }

    @Override
    public long bufferedBytes() {
        return buffered;
    }

    @Override
    public void loopClosing() {
        close(); // its connections are resources of the loop too, closed beside it
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        loop.closed(this);
        if (retry != null) {
            retry.cancel();
        }
        for (ListenIo l : listeners) {
            l.close(); // also removes a Unix socket's file, which outlives the socket
        }
        if (connectionCount.get() == 0) {
            closed.complete(null);
        }
    }

    @Override
    public Promise<Void> shutdown(Duration deadline) {
        close();
        // On the protocols' behalf, not as their own close()/abort(): a protocol that writes
        // meanwhile (it has not heard yet) is not making a mistake.
        for (StreamTransport t : List.copyOf(connections)) {
            closeGracefully(t);
        }
        if (!connections.isEmpty()) {
            TimerHandle timer = loop.callLater(deadline, () -> {
                for (StreamTransport t : List.copyOf(connections)) {
                    t.abort(null);
                }
            });
            closed.whenComplete((v, e) -> timer.cancel());
        }
        return closed;
    }

    /**
     * Closes through the TLS layer when there is one, so the peer gets a close_notify first;
     * otherwise on the protocol's behalf (see {@link StreamTransport#startClosing()}).
     */
    private static void closeGracefully(StreamTransport t) {
        if (t.protocol() instanceof TlsConnection tls) {
            tls.transport().close();
        } else {
            t.startClosing();
        }
    }

    @Override
    public Promise<Void> closed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Server" + addresses();
    }
}
