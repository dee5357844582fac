package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.WaitingDatagrams;
import io.weft.internal.io.DatagramSink;
import io.weft.internal.io.Errors;
import io.weft.net.DatagramOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.function.BooleanSupplier;

/**
 * {@link DatagramIo} over a non-blocking {@link DatagramChannel}: receives when the poller says
 * readable, sends the queue when it says writable.
 *
 * <p>ICMP errors: Linux reports them only on a connected UDP socket, as a pending socket error
 * (ECONNREFUSED for port unreachable). epoll then reports the socket ready (EPOLLERR), and the
 * next receive or send fails with {@link java.net.PortUnreachableException}, consuming the
 * error. So an error costs one failed call and cannot make the loop spin.
 */
final class NioDatagramIo implements DatagramIo, DatagramQueue.Sender {
    /**
     * Datagrams received per readiness event at most: each is a system call, and a cap keeps
     * one busy endpoint from starving the other channels on the loop.
     */
    private static final int MAX_DATAGRAMS_PER_EVENT = 16;

    private final NioDriver driver;
    private final ByteBuffer readBuffer;
    private final DatagramChannel channel;
    private final int receiveLimit;
    private final SocketAddress remote;
    private NioDriver.Registration watch;
    private DatagramSink sink;
    private boolean reading;
    private final WaitingDatagrams waiting = new WaitingDatagrams();
    /** Made once, not per writable event. */
    private final BooleanSupplier stillOpen = () -> !this.closed;
    private final Runnable rearm = this::arm;
    private boolean closed;

    /**
     * @param receiveLimit how many bytes of a datagram to receive at most; the endpoint uses
     *                     its maximum datagram size plus one, so a longer datagram shows as one
     *                     that filled the limit (the kernel drops the rest silently)
     */
    NioDatagramIo(NioDriver driver, ByteBuffer readBuffer, DatagramChannel channel, int receiveLimit) {
        this.driver = driver;
        this.readBuffer = readBuffer;
        this.channel = channel;
        this.receiveLimit = Math.min(receiveLimit, readBuffer.capacity());
        this.remote = remoteOf(channel);
    }

    /**
     * Opens a non-blocking UDP socket with {@code options}, bound to {@code local} (null: any
     * address, a free port) and connected to {@code remote} if not null. Both must be resolved.
     * Closes the socket again if any step fails.
     */
    static DatagramChannel open(SocketAddress local, SocketAddress remote, DatagramOptions options)
            throws IOException {
        ProtocolFamily family = familyOf(local, remote);
        DatagramChannel ch = family == null ? DatagramChannel.open() : DatagramChannel.open(family);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.reusePort()) {
                if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new IOException("SO_REUSEPORT is not supported on this platform");
                }
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            if (options.broadcast()) {
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            if (options.receiveBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            try {
                ch.bind(local);
            } catch (BindException e) {
                BindException typed = new BindException("cannot bind a UDP endpoint to "
                        + (local == null ? "a free port" : local) + ": " + e.getMessage());
                typed.initCause(e);
                throw typed;
            }
            if (remote != null) {
                try {
                    ch.connect(remote);
                } catch (IOException e) {
                    throw new IOException("cannot connect a UDP endpoint to " + remote + ": " + e.getMessage(), e);
                }
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close(); // clean up first, then throw
            throw e;
        }
    }

    /**
     * The socket's family, from the first specific address given. With none (no addresses, or
     * a wildcard local address and no remote) the JDK's default applies: a dual-stack IPv6
     * socket where the host has IPv6, which can send to IPv4 and IPv6 peers alike.
     */
    private static ProtocolFamily familyOf(SocketAddress local, SocketAddress remote) {
        for (SocketAddress a : new SocketAddress[] {remote, local}) {
            if (a instanceof InetSocketAddress inet && inet.getAddress() != null
                    && !inet.getAddress().isAnyLocalAddress()) {
                return inet.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET;
            }
        }
        return null;
    }

    private static SocketAddress remoteOf(DatagramChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = sink;
        this.watch = driver.watch(channel, this::onReadable, this::onWritable);
    }

    @Override
    public void setReading(boolean on) {
        if (closed || reading == on) {
            return;
        }
        reading = on;
        arm();
    }

    private void arm() {
        watch.arm((reading ? NioDriver.READ : 0) | (waiting.waiting() ? NioDriver.WRITE : 0));
    }

    private void onReadable() {
        // Why the shared buffer is safe: 64 KiB holds any UDP datagram (65,507 bytes over IPv4,
        // 65,527 over IPv6), and the protocol is done with it before the next receive.
        ByteBuffer buf = readBuffer;
        for (int i = 0; i < MAX_DATAGRAMS_PER_EVENT && reading && !closed; i++) {
            buf.clear().limit(receiveLimit);
            SocketAddress from;
            try {
                from = channel.receive(buf);
            } catch (IOException e) {
                sink.onError(Errors.translateDatagram("receive" + (remote != null ? " from " + remote : ""), e));
                return;
            }
            if (from == null) {
                return; // drained
            }
            buf.flip();
            sink.onDatagram(buf, from);
        }
    }

    @Override
    public void flush(DatagramQueue queue) {
        if (!closed && waiting.hold(queue)) {
            arm();
        }
    }

    private void onWritable() {
        waiting.onWritable(this, sink, stillOpen, rearm);
    }

    @Override
    public boolean sendNow(ByteBuffer datagram, SocketAddress to) throws IOException {
        if (closed) {
            return false;
        }
        boolean empty = !datagram.hasRemaining();
        int n;
        try {
            n = to == null ? channel.write(datagram) : channel.send(datagram, to);
        } catch (IOException e) {
            throw Errors.translateDatagram("send to " + (to == null ? remote : to), e);
        } catch (UnsupportedAddressTypeException | UnresolvedAddressException e) {
            // An IPv6 destination on an IPv4 socket, say: this datagram cannot go, the socket is fine.
            throw new IOException("send to " + to + ": " + e + " (socket bound to " + localAddress() + ")", e);
        }
        // Why an empty datagram counts as sent: the JDK returns 0 both for an empty datagram
        // sent and for "no room now" (EAGAIN), and cannot tell us which. A UDP send buffer is
        // seldom full, and a datagram lost to that case is one UDP was free to drop anyway.
        return n > 0 || empty;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiting.clear();
        if (watch != null) {
            watch.close();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the descriptor is released either way.
        }
    }

    @Override
    public SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }
}
