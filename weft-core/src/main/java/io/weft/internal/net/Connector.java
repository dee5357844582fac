package io.weft.internal.net;

import io.weft.future.Promise;
import io.weft.internal.io.ConnectIo;
import io.weft.internal.io.ConnectSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.loop.Loop;
import io.weft.internal.loop.LoopResource;
import io.weft.internal.net.tls.TlsLayer;
import io.weft.loop.LoopClosedException;
import io.weft.loop.TimerHandle;
import io.weft.net.ConnectOptions;
import io.weft.net.Protocol;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Makes one client connection, racing the addresses of a name as RFC 8305 (Happy Eyeballs v2)
 * describes: attempts start one {@link ConnectOptions#attemptDelay()} apart, or at once when
 * the previous one fails; the first to connect wins and the others are closed. Until its promise
 * settles it is open on the loop ({@link LoopResource}): a loop that closes first fails it with
 * {@link LoopClosedException} and closes every socket still connecting. Loop thread.
 */
public final class Connector<P extends Protocol> implements LoopResource {
    private final Loop loop;
    private final Supplier<P> factory;
    private final ConnectOptions options;
    private final String host;
    private final int port;
    private final Promise<P> result;
    private final List<Attempt> live = new ArrayList<>();
    private final List<IOException> failures = new ArrayList<>();
    private List<? extends SocketAddress> targets = List.of();
    private int next;
    private TimerHandle attemptTimer;
    private TimerHandle deadline;

    private Connector(Loop loop, Supplier<P> factory, ConnectOptions options, String host, int port) {
        this.loop = loop;
        this.factory = factory;
        this.options = options;
        this.host = host;
        this.port = port;
        this.result = loop.newPromise();
        result.onCancel(() -> onLoop(this::giveUp));
        loop.opened(this);
        result.whenComplete((v, e) -> loop.closed(this));
    }

    @Override
    public void loopClosing() {
        if (result.fail(new LoopClosedException("the event loop closed while connecting to " + host + ":" + port))) {
            giveUp();
        }
    }

    /** Connects to {@code host}:{@code port}, resolving the name off the loop first. */
    public static <P extends Protocol> Promise<P> connect(Loop loop, Supplier<P> factory, String host, int port,
            ConnectOptions options) {
        Connector<P> c = new Connector<>(loop, factory, options, host, port);
        c.startDeadline();
        Resolver.resolve(loop, host).whenComplete((addresses, e) -> {
            if (c.result.isDone()) {
                return;
            }
            if (e != null) {
                c.fail(e);
            } else {
                c.targets = Resolver.interleave(addresses, port);
                c.startNext();
            }
        });
        return c.result;
    }

    /** Connects to one address: TCP or Unix domain. */
    public static <P extends Protocol> Promise<P> connect(Loop loop, Supplier<P> factory, SocketAddress address,
            ConnectOptions options) {
        return connect(loop, factory, List.of(address), options);
    }

    /**
     * Races {@code addresses}, in the order given, as if a name had resolved to them (already
     * ordered, e.g. by {@link Resolver#interleave}). Messages name the first address's host and
     * port.
     */
    public static <P extends Protocol> Promise<P> connect(Loop loop, Supplier<P> factory,
            List<? extends SocketAddress> addresses, ConnectOptions options) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no addresses to connect to");
        }
        SocketAddress first = addresses.get(0);
        String host = first instanceof InetSocketAddress i ? i.getHostString() : first.toString();
        int port = first instanceof InetSocketAddress i ? i.getPort() : 0;
        Connector<P> c = new Connector<>(loop, factory, options, host, port);
        c.startDeadline();
        c.targets = List.copyOf(addresses);
        c.startNext();
        return c.result;
    }

    private void startDeadline() {
        if (options.connectTimeout() != null) {
            deadline = loop.callLater(options.connectTimeout(), () -> {
                if (result.fail(new TimeoutException("connect to " + host + ":" + port + " timed out after "
                        + options.connectTimeout().toMillis() + " ms"))) {
                    giveUp();
                }
            });
        }
    }

    private void startNext() {
        attemptTimer = null;
        if (result.isDone()) {
            return;
        }
        if (next >= targets.size()) {
            if (live.isEmpty()) {
                failAll();
            }
            return;
        }
        Attempt a = new Attempt(targets.get(next++));
        live.add(a);
        a.begin();
        if (!result.isDone() && live.contains(a) && next < targets.size()) {
            attemptTimer = loop.callLater(options.attemptDelay(), this::startNext);
        }
    }

    private final class Attempt implements ConnectSink {
        final SocketAddress address;
        ConnectIo connect;
        /** Set when the attempt connected and has not been served yet. */
        SocketIo connected;
        boolean over;

        Attempt(SocketAddress address) {
            this.address = address;
        }

        void begin() {
            try {
                connect = loop.sockets().connect(address, address instanceof InetSocketAddress
                        ? options.localAddress() : null, options.noDelay(), this);
            } catch (IOException e) {
                onConnectFailed(e);
            }
        }

        @Override
        public void onConnected(SocketIo io) {
            if (over) {
                io.close();
                return;
            }
            over = true;
            connected = io;
            won(this);
        }

        @Override
        public void onConnectFailed(IOException e) {
            if (over) {
                return;
            }
            over = true;
            failed(this, e);
        }

        void close() {
            over = true;
            if (connect != null) {
                connect.cancel();
            }
            if (connected != null) {
                connected.close();
                connected = null;
            }
        }
    }

    private void failed(Attempt a, IOException e) {
        live.remove(a);
        a.close();
        ConnectException typed = new ConnectException("connect to " + a.address + ": " + e.getMessage());
        typed.initCause(e);
        failures.add(typed);
        if (attemptTimer != null) {
            attemptTimer.cancel(); // RFC 8305: a failure starts the next attempt at once
        }
        startNext();
    }

    private void won(Attempt a) {
        live.remove(a);
        if (result.isDone()) {
            a.close();
            return;
        }
        giveUpOthers();
        // Connected: the connect timeout no longer applies, whatever happens next (TLS has its own).
        if (deadline != null) {
            deadline.cancel();
        }
        P app;
        try {
            app = factory.get();
        } catch (Throwable e) {
            a.close();
            result.fail(e);
            return;
        }
        Protocol p = app;
        Promise<Void> handshake = null;
        if (options.tls() != null) {
            handshake = loop.newPromise();
            p = TlsLayer.client(loop, app, options.tls(), host, port, handshake);
        }
        SocketIo io = a.connected;
        a.connected = null; // the transport owns it now
        StreamTransport t = new StreamTransport(loop, io, p, options.writeBufferHigh(),
                options.writeBufferLow(), TransportObserver.NONE);
        t.start();
        if (handshake == null) {
            result.complete(app);
        } else {
            handshake.whenComplete((v, e) -> {
                if (e == null) {
                    if (!result.complete(app)) {
                        t.abort(); // the caller cancelled while the handshake ran
                    }
                } else {
                    result.fail(e);
                    t.abort(e);
                }
            });
        }
    }

    private void failAll() {
        if (failures.size() == 1) {
            fail(failures.get(0));
            return;
        }
        ConnectException e = new ConnectException("connect to " + host + ":" + port + " failed on all "
                + failures.size() + " addresses");
        failures.forEach(e::addSuppressed);
        fail(e);
    }

    private void fail(Throwable e) {
        result.fail(e);
        giveUp();
    }

    private void giveUpOthers() {
        if (attemptTimer != null) {
            attemptTimer.cancel();
            attemptTimer = null;
        }
        for (Attempt a : live) {
            a.close();
        }
        live.clear();
    }

    private void giveUp() {
        giveUpOthers();
        if (deadline != null) {
            deadline.cancel();
        }
        next = targets.size();
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
