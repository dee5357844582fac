package io.weft.internal.io.readiness.epoll;

import io.weft.internal.io.DirectChunks;
import io.weft.internal.io.IoSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.internal.sys.CallState;
import io.weft.internal.sys.Errno;
import io.weft.internal.sys.Fd;
import io.weft.internal.sys.Io;
import io.weft.internal.sys.IoVec;
import io.weft.internal.sys.SockAddr;
import io.weft.internal.sys.SocketConstants;
import io.weft.internal.sys.Sockets;
import io.weft.internal.sys.SysErrors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * {@link SocketIo} over a connected non-blocking descriptor: {@code recv} into the loop's shared
 * read buffer when epoll says readable, {@code send} of the queue when it says writable.
 *
 * <p>Buffers: reads land in the loop's direct read buffer (its native memory seen as a segment),
 * lent to the sink for one {@link IoSink#onRead} call. A direct buffer given to {@link #writeNow}
 * is sent from where it lies (by address); heap bytes are copied into the driver's staging
 * segment first and sent from there. The {@link WriteQueue}'s chunks are the driver's direct
 * ones ({@link #chunks()}), sent by one {@code writev} per writable event with no copy; a heap
 * chunk (a write larger than a chunk) is staged.
 *
 * <p>A reset while the transport has reading paused and nothing queued is heard at once: the
 * driver's hang-up task reads {@code SO_ERROR} and reports it (see {@link EpollDriver}).
 */
final class EpollSocketIo implements SocketIo {
    /** Reads per readiness event at most, as the NIO backend: a cap keeps one busy connection from starving the others. */
    private static final int MAX_READS_PER_EVENT = 4;

    private final EpollDriver driver;
    private final CallState cs;
    private final ByteBuffer readBuffer;
    /** The read buffer's whole capacity as a segment; owned by the loop. */
    private final MemorySegment readSegment;
    private final int fd;
    private final boolean unix;
    private EpollDriver.Registration watch;
    private IoSink sink;
    private WriteQueue pending;
    private boolean reading;
    private boolean closed;
    private SocketAddress local;
    private SocketAddress remote;

    EpollSocketIo(EpollDriver driver, ByteBuffer readBuffer, int fd, boolean unix) {
        this.driver = driver;
        this.cs = driver.callState();
        this.readBuffer = readBuffer;
        this.readSegment = driver.readSegment();
        this.fd = fd;
        this.unix = unix;
    }

    /** Direct chunks from the driver's pool, so queued bytes go out by {@code writev} without a staging copy. */
    @Override
    public WriteQueue.Chunks chunks() {
        return driver.chunks();
    }

    @Override
    public void start(IoSink sink) {
        this.sink = sink;
        this.watch = driver.watch(fd, this::onReadable, this::onWritable, this::onHangup);
        watch.watchHangups();
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
        watch.arm((reading ? EpollDriver.READ : 0) | (pending != null ? EpollDriver.WRITE : 0));
    }

    private void onReadable() {
        long cap = readSegment.byteSize();
        for (int i = 0; i < MAX_READS_PER_EVENT && reading && !closed; i++) {
            long n = Io.recv(cs, fd, readSegment, cap, 0);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                sink.onIoError(SysErrors.exception("recv", (int) -n));
                return;
            }
            if (n == 0) {
                reading = false;
                arm();
                sink.onReadEof();
                return;
            }
            ByteBuffer buf = readBuffer;
            buf.clear().limit((int) n);
            sink.onRead(buf);
            if (n < cap) {
                return; // the socket is (very likely) empty: don't pay for a read that says so
            }
        }
    }

    /** A hang-up or error that no armed interest took: a reset while paused with nothing queued, say. */
    private void onHangup() {
        if (closed) {
            return;
        }
        int r = Sockets.soError(cs, fd);
        if (r < 0) {
            sink.onIoError(SysErrors.exception("recv", -r));
        }
        // No pending error: both directions are shut; resuming reading will show the end of stream.
    }

    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        if (closed || !src.hasRemaining()) {
            return 0;
        }
        if (src.isDirect()) {
            // By address, not through MemorySegment.ofBuffer: that would be an object per write
            // (measured: 36 B per write on the ping-pong benchmark). The echo case is the loop's
            // own read buffer, whose address is known.
            long base = src == readBuffer ? readSegment.address() : MemorySegment.ofBuffer(src).address() - src.position();
            long n = Io.sendAddress(cs, fd, base + src.position(), src.remaining(), SocketConstants.MSG_NOSIGNAL);
            Reference.reachabilityFence(src);
            return advance(src, n);
        }
        Buffers b = driver.buffers();
        int total = 0;
        while (src.hasRemaining()) {
            int staged = b.stage(src);
            long n = Io.send(cs, fd, b.staging, staged, SocketConstants.MSG_NOSIGNAL);
            int sent = advance(src, n);
            total += sent;
            if (sent < staged) {
                break;
            }
        }
        return total;
    }

    private static int advance(ByteBuffer src, long n) throws IOException {
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) {
            return 0;
        }
        if (n < 0) {
            throw SysErrors.exception("send", (int) -n);
        }
        src.position(src.position() + (int) n);
        return (int) n;
    }

    @Override
    public void flush(WriteQueue queue) {
        if (closed || pending != null || queue.isEmpty()) {
            return;
        }
        // The caller just failed to write everything straight away, so the socket buffer is
        // full: wait for writability instead of trying again now.
        pending = queue;
        arm();
    }

    private void onWritable() {
        WriteQueue q = pending;
        if (q == null || closed) {
            return;
        }
        while (!q.isEmpty()) {
            long[] attempted = this.attempted;
            long n = writeQueued(q, attempted);
            if (n == -Errno.EAGAIN) {
                break;
            }
            if (n == -Errno.EINTR) {
                continue;
            }
            if (n < 0) {
                sink.onIoError(SysErrors.exception(attempted[1] == 1 ? "writev" : "send", (int) -n));
                return;
            }
            Buffers.advance(q.array(), q.offset(), n);
            q.consumed(n);
            if (n < attempted[0]) {
                break; // the socket buffer is full
            }
        }
        if (q.isEmpty()) {
            pending = null;
            arm();
        }
        sink.onFlushed();
    }

    /** Out-parameters of {@link #writeQueued}: bytes attempted, and 1 if it was a writev. Reused. */
    private final long[] attempted = new long[2];

    /**
     * One system call for the queue's front: a {@code writev} straight from its direct chunks
     * (the driver's {@link DirectChunks}), or, when the front is a heap buffer (a write larger
     * than a chunk), a {@code send} of heap bytes staged into native memory.
     */
    private long writeQueued(WriteQueue q, long[] attempted) {
        ByteBuffer[] bufs = q.array();
        int off = q.offset();
        int end = off + q.count();
        Buffers b = driver.buffers();
        if (bufs[off].isDirect()) {
            int n = 0;
            long total = 0;
            for (int i = off; i < end && n < Buffers.IOV_MAX && bufs[i].isDirect(); i++) {
                ByteBuffer x = bufs[i];
                IoVec.setRaw(b.iov, n++, MemorySegment.ofBuffer(x).address(), x.remaining());
                total += x.remaining();
            }
            attempted[0] = total;
            attempted[1] = 1;
            long r = Io.writev(cs, fd, b.iov, n);
            Reference.reachabilityFence(bufs);
            return r;
        }
        int heap = off;
        while (heap < end && !bufs[heap].isDirect()) {
            heap++;
        }
        int staged = b.stage(bufs, off, heap - off);
        attempted[0] = staged;
        attempted[1] = 0;
        return Io.send(cs, fd, b.staging, staged, SocketConstants.MSG_NOSIGNAL);
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (closed) {
            return;
        }
        int r = Sockets.shutdown(cs, fd, SocketConstants.SHUT_WR);
        if (r < 0 && r != -Errno.ENOTCONN) {
            throw SysErrors.exception("shutdown", -r);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        if (watch != null) {
            watch.close();
        }
        Fd.close(cs, fd); // EINTR or not, the descriptor is released: never retried
    }

    @Override
    public SocketAddress localAddress() {
        if (local == null && !closed && Sockets.getsockname(cs, fd) == 0) {
            local = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        }
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        if (remote == null && !closed && Sockets.getpeername(cs, fd) == 0) {
            remote = SockAddr.decode(cs.sockaddr(), cs.sockaddrLength());
        }
        return remote;
    }

    @Override
    public String toString() {
        return "epoll socket fd " + fd + (unix ? " (unix)" : "");
    }
}
