package io.weft.testkit.sim;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.ListenIo;
import io.weft.internal.io.ReadyQueue;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * A listening socket on the simulated network. Connections whose handshake finished wait in its
 * backlog (a full backlog drops new SYNs, as Linux does, and the client sends them again) until
 * the server accepts, up to {@link #ACCEPT_BATCH} per turn. Closing it resets what still waits.
 * Loop thread only.
 */
final class SimListener implements ListenIo, SimDriver.Endpoint {
    private final SimDriver driver;
    private final SimNetwork net;
    private final SocketAddress address;
    private final boolean reusePort;
    private final int backlog;
    private final boolean takes4;
    private final boolean takes6;
    private final ArrayDeque<Side> waiting = new ArrayDeque<>();
    private final Task acceptTask = new Task(this::onAcceptable, null);
    private AcceptSink sink;
    private boolean accepting;
    private boolean closed;

    SimListener(SimDriver driver, SimNetwork net, SocketAddress address, boolean reusePort, int backlog, boolean takes4,
            boolean takes6) {
        this.takes4 = takes4;
        this.takes6 = takes6;
        this.driver = driver;
        this.net = net;
        this.address = address;
        this.reusePort = reusePort;
        this.backlog = Math.max(1, backlog);
    }

    SimHost host() {
        return driver.host();
    }

    /** Where it listens: the host's address of the family it was bound to and the port, or a Unix path. */
    SocketAddress address() {
        return address;
    }

    /** Whether it takes TCP connections to its host's IPv4 address (false for a Unix socket). */
    boolean takes4() {
        return takes4;
    }

    /** Whether it takes TCP connections to its host's IPv6 address. */
    boolean takes6() {
        return takes6;
    }

    boolean reusePort() {
        return reusePort;
    }

    boolean backlogFull() {
        return waiting.size() >= backlog;
    }

    void enqueue(Side s) {
        waiting.addLast(s);
    }

    @Override
    public void start(AcceptSink sink) {
        this.sink = sink;
        driver.register(this);
    }

    @Override
    public void setAccepting(boolean on) {
        accepting = on;
    }

    @Override
    public boolean isReady() {
        return !closed && sink != null && accepting && !waiting.isEmpty();
    }

    @Override
    public int poll(ReadyQueue ready) {
        if (isReady()) {
            ready.add(acceptTask);
            return 1;
        }
        return 0;
    }

    private void onAcceptable() {
        for (int i = 0; i < ACCEPT_BATCH && accepting && !closed && !waiting.isEmpty(); i++) {
            Side s = waiting.pollFirst();
            net.trace().event(net.now(), "accept", s.conn.id);
            sink.onAccepted(new SimAccepted(s));
        }
    }

    @Override
    public SocketAddress localAddress() {
        return closed ? null : address;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        driver.unregister(this);
        net.unlisten(this);
        Side s;
        while ((s = waiting.pollFirst()) != null) {
            s.conn.abort(s); // a connection nobody accepted: the kernel resets it
        }
    }

    @Override
    public String toString() {
        return "sim listener " + address;
    }
}
