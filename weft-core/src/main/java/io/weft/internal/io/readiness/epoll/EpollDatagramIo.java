package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.NativeSockets;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.WaitingDatagrams;
import io.weft.internal.io.DatagramSink;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SysErrors;
import io.weft.net.DatagramOptions;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * {@link DatagramIo} over a non-blocking UDP descriptor: {@code recvfrom} into the loop's read
 * buffer when readable (the sender's address decoded from the kernel's {@code sockaddr}, and the
 * last one reused when the next datagram comes from the same sender, so a steady peer costs no
 * address object per datagram), {@code sendto} at once ({@link #sendNow}) or of the endpoint's
 * queue when writable ({@link #flush}).
 *
 * <p>ICMP errors: Linux reports them only on a connected UDP socket, as a pending socket error
 * (ECONNREFUSED for port unreachable). epoll then reports EPOLLERR, and the next receive or send
 * fails with it ({@link java.net.PortUnreachableException}), consuming it; while reading is off
 * the driver parks the descriptor instead, so an error cannot make the loop spin.
 */
final class EpollDatagramIo implements DatagramIo, DatagramQueue.Sender {
    /** Datagrams received per readiness event at most, as the NIO backend. */
    private static final int MAX_DATAGRAMS_PER_EVENT = 16;

    private final EpollDriver driver;
    private final CallState cs;
    private final ByteBuffer readBuffer;
    private final MemorySegment readSegment;
    private final int fd;
    private final boolean v6;
    private final int receiveLimit;
    private final SocketAddress local;
    private final SocketAddress remote;
    /** The last sender's raw {@code sockaddr} (a heap segment, made once), to reuse {@link #lastFromAddress}. */
    private final MemorySegment lastFrom = MemorySegment.ofArray(new byte[SockAddr.IN6_SIZE]);
    private int lastFromLength;
    private SocketAddress lastFromAddress;
    private EpollDriver.Registration watch;
    private DatagramSink sink;
    private final WaitingDatagrams waiting = new WaitingDatagrams();
    /** Made once, not per writable event. */
    private final BooleanSupplier stillOpen = () -> !this.closed;
    private final Runnable rearm = this::arm;
    private boolean reading;
    private boolean closed;

    private EpollDatagramIo(EpollDriver driver, ByteBuffer readBuffer, int fd, boolean v6, int receiveLimit,
            SocketAddress local, SocketAddress remote) {
        this.driver = driver;
        this.cs = driver.callState();
        this.readBuffer = readBuffer;
        this.readSegment = driver.readSegment();
        this.fd = fd;
        this.v6 = v6;
        this.receiveLimit = (int) Math.min(receiveLimit, readSegment.byteSize());
        this.local = local;
        this.remote = remote;
    }

    /**
     * A UDP socket with {@code options}, bound to {@code local} (null: any address, a free port)
     * and connected to {@code remote} if not null. The family is the first specific address's;
     * with none, a dual-stack IPv6 socket as the JDK makes (IPv4 where the host has no IPv6).
     */
    static EpollDatagramIo open(EpollDriver driver, ByteBuffer readBuffer, SocketAddress local, SocketAddress remote,
            DatagramOptions options, int receiveLimit) throws IOException {
        NativeSockets.Datagram d = NativeSockets.openDatagram(driver.callState(), local, remote, options);
        try {
            return new EpollDatagramIo(driver, readBuffer, d.fd(), d.v6(), receiveLimit, d.bound(), remote);
        } catch (RuntimeException e) {
            Fd.close(driver.callState(), d.fd()); // clean up first, then throw
            throw e;
        }
    }

    @Override
    public void start(DatagramSink sink) {
        this.sink = sink;
        this.watch = driver.watch(fd, this::onReadable, this::onWritable, null);
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
        watch.arm((reading ? EpollDriver.READ : 0) | (waiting.waiting() ? EpollDriver.WRITE : 0));
    }

    private void onReadable() {
        // 64 KiB holds any UDP datagram, and the protocol is done with the buffer before the next receive.
        for (int i = 0; i < MAX_DATAGRAMS_PER_EVENT && reading && !closed; i++) {
            long n = Io.recvfrom(cs, fd, readSegment, receiveLimit, 0);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                sink.onError(SysErrors.exception("recvfrom" + (remote != null ? " " + remote : ""), (int) -n));
                return;
            }
            SocketAddress from = sender();
            ByteBuffer buf = readBuffer;
            buf.clear().limit((int) n);
            sink.onDatagram(buf, from);
        }
    }

    /** The sender of the datagram just received, reusing the last one's object when it is the same. */
    private SocketAddress sender() {
        MemorySegment raw = cs.sockaddr();
        int len = (int) Math.min(cs.sockaddrLength(), lastFrom.byteSize());
        if (lastFromAddress != null && len == lastFromLength
                && MemorySegment.mismatch(raw, 0, len, lastFrom, 0, len) < 0) {
            return lastFromAddress;
        }
        lastFromAddress = SockAddr.decode(raw, cs.sockaddrLength());
        MemorySegment.copy(raw, 0, lastFrom, 0, len);
        lastFromLength = len;
        return lastFromAddress;
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
        SocketAddress dest = to == null ? remote : to;
        int addrLength = 0;
        if (to != null) {
            try {
                addrLength = SockAddr.encode(to, cs.sockaddr(), v6);
            } catch (IllegalArgumentException e) {
                throw new IOException("send to " + to + ": " + e.getMessage() + " (socket bound to " + local + ")", e);
            }
        }
        int len = datagram.remaining();
        MemorySegment src;
        if (datagram.isDirect()) {
            src = MemorySegment.ofBuffer(datagram);
        } else {
            Buffers b = driver.buffers();
            if (len > Buffers.STAGING) {
                throw SysErrors.exception("sendto " + dest, Errno.EMSGSIZE);
            }
            b.stage(datagram);
            src = b.staging;
        }
        long n = to == null ? Io.send(cs, fd, src, len, 0) : Io.sendto(cs, fd, src, len, 0, addrLength);
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return false;
        }
        if (n < 0) {
            throw SysErrors.exception("sendto " + dest, (int) -n);
        }
        datagram.position(datagram.limit());
        return true;
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
        Fd.close(cs, fd);
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }
}
