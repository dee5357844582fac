package io.weft.testkit.sim;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.DatagramSink;
import io.weft.internal.io.ReadyQueue;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A UDP socket on the simulated network. Each datagram draws its own delay (so datagrams
 * reorder), may be lost ({@link Faults#datagramLoss()}), is dropped when the receiver's queue
 * holds {@link #RECEIVE_QUEUE} already (a full receive buffer), and is cut to the receive limit.
 * A datagram to a port nobody has bound, from a connected socket, comes back as the pending
 * ICMP error Linux keeps: the next send or receive reports {@link PortUnreachableException}.
 * A send may find no room now (drawn like a partial write) and go through the queue instead.
 * Loop thread only.
 */
final class SimDatagram implements DatagramIo, SimDriver.Endpoint {
    /** Datagrams a socket holds unread before more are dropped. */
    static final int RECEIVE_QUEUE = 256;
    private static final int MAX_DATAGRAMS_PER_TURN = 16;

    private record Received(byte[] data, InetSocketAddress from) {
    }

    private final SimDriver driver;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final int receiveLimit;
    private final ArrayDeque<Received> received = new ArrayDeque<>();
    private final Task readTask = new Task(this::onReadable, null);
    private final Task writeTask = new Task(this::onWritable, null);
    private DatagramSink sink;
    private DatagramQueue pending;
    private boolean reading;
    private boolean icmpPending;
    private boolean closed;

    SimDatagram(SimDriver driver, InetSocketAddress local, InetSocketAddress remote, int receiveLimit) {
        this.driver = driver;
        this.local = local;
        this.remote = remote;
        this.receiveLimit = Math.min(receiveLimit, driver.readBuffer().capacity());
    }

    InetSocketAddress local() {
        return local;
    }

    /** Whether a datagram from {@code from} is for this socket (a connected one takes only its peer's). */
    boolean accepts(InetSocketAddress from) {
        return !closed && (remote == null || remote.equals(from));
    }

    void arrived(byte[] data, InetSocketAddress from) {
        SimNetwork net = driver.network();
        if (received.size() >= RECEIVE_QUEUE) {
            net.trace().event(net.now(), "udp-overflow", local.getPort());
            return;
        }
        received.addLast(new Received(data, from));
    }

    /** An ICMP port-unreachable for a datagram this socket sent while connected. */
    void unreachable() {
        if (remote != null && !closed) {
            icmpPending = true;
        }
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = sink;
        driver.register(this);
    }

    @Override
    public void setReading(boolean on) {
        if (!closed) {
            reading = on;
        }
    }

    @Override
    public boolean isReady() {
        return !closed && sink != null && (reading && (!received.isEmpty() || icmpPending) || pending != null);
    }

    @Override
    public int poll(ReadyQueue ready) {
        int n = 0;
        if (closed || sink == null) {
            return 0;
        }
        if (reading && (!received.isEmpty() || icmpPending)) {
            ready.add(readTask);
            n++;
        }
        if (pending != null) {
            ready.add(writeTask);
            n++;
        }
        return n;
    }

    private void onReadable() {
        for (int i = 0; i < MAX_DATAGRAMS_PER_TURN && reading && !closed; i++) {
            if (icmpPending) {
                icmpPending = false;
                sink.onError(unreachableError("receive from " + remote));
                continue;
            }
            Received r = received.pollFirst();
            if (r == null) {
                return;
            }
            ByteBuffer buf = driver.readBuffer();
            buf.clear();
            buf.put(r.data, 0, Math.min(r.data.length, receiveLimit)).flip();
            sink.onDatagram(buf, r.from);
        }
    }

    private static PortUnreachableException unreachableError(String op) {
        return new PortUnreachableException(op + ": port unreachable (ICMP): nothing listens there");
    }

    @Override
    public boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException {
        if (closed) {
            return false;
        }
        SocketAddress dest = to != null ? to : remote;
        if (!(dest instanceof InetSocketAddress isa) || isa.isUnresolved()) {
            throw new IOException("send to " + dest + ": not an IP address (names are resolved before this)");
        }
        if ((isa.getAddress() instanceof java.net.Inet6Address) != (local.getAddress() instanceof java.net.Inet6Address)) {
            // One socket, one family; Linux refuses an IPv4 destination on an IPv6-only socket, and the reverse.
            throw new IOException("send to " + dest + ": EAFNOSUPPORT (Address family not supported by protocol):"
                    + " this endpoint is bound to " + local);
        }
        if (icmpPending) {
            icmpPending = false;
            throw unreachableError("send to " + dest);
        }
        SimNetwork net = driver.network();
        if (net.noRoomForDatagram()) {
            return false;
        }
        byte[] data = new byte[datagram.remaining()];
        datagram.get(data);
        net.sendDatagram(this, driver.host(), isa, data);
        return true;
    }

    @Override
    public void flush(DatagramQueue queue) {
        if (!closed && pending == null && !queue.isEmpty()) {
            pending = queue;
        }
    }

    private void onWritable() {
        DatagramQueue q = pending;
        if (q == null || closed) {
            return;
        }
        boolean progress = q.drain(this::sendNow, sink, () -> !closed);
        if (closed) {
            return;
        }
        if (q.isEmpty()) {
            pending = null;
        }
        if (progress) {
            sink.onFlushed();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        received.clear();
        driver.unregister(this);
        driver.network().unbind(this);
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "sim UDP socket " + local + (remote == null ? "" : " -> " + remote);
    }
}
