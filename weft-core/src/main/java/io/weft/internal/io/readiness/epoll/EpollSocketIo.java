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
    /** The queue waiting for writability (the socket filled), or null. */
    private WriteQueue pending;
    /** The queue whose writes of this turn wait for the end of the turn, or null. */
    private WriteQueue coalesced;
    /** Whether the last {@link #writeNow} declined to write (coalescing), rather than found the socket full. */
    private boolean declined;
    /** The driver's turn of this socket's last write system call; see {@link #writeNow}. */
    private long lastWriteTurn = -1;
    /** Tells the transport, from the run queue, that the end-of-turn write made progress. */
    private final io.weft.internal.dispatch.Task flushedNotice = new io.weft.internal.dispatch.Task(this::notifyFlushed, null);
    /** The zero-copy sender's or splicer's wait for writability, run once the queue is empty; or null. */
    private Runnable fileWaiter;
    /** The splicer's wait for readability while the transport's own reading is off, or null. */
    private Runnable readWaiter;
    private EpollFileSender fileSender;
    private EpollSplicer splicer;
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
        watch.arm((reading || readWaiter != null ? EpollDriver.READ : 0)
                | (pending != null || fileWaiter != null ? EpollDriver.WRITE : 0));
    }

    private void onReadable() {
        if (!reading) {
            Runnable w = readWaiter;
            if (w != null && !closed) {
                readWaiter = null; // run first, then re-arm, as onWritable does for its waiter
                w.run();
                if (!closed) {
                    arm();
                }
            }
            return;
        }
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

    /**
     * Per-turn write coalescing: a turn's first write to the socket goes out at once (the
     * lowest latency for the common request-response case); any later write in the same turn is
     * declined here (returns 0), so the transport queues it, and every write queued that way
     * leaves in one gathered {@code writev} at the end of the turn. A burst of small writes thus
     * costs two system calls, not one per write. (With {@code -Dweft.epoll.deferFirstWrite=true},
     * for measuring, even the first write waits: one call per turn, a copy per write.)
     */
    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        if (closed || !src.hasRemaining()) {
            return 0;
        }
        long now = driver.turn();
        if (lastWriteTurn == now || driver.deferFirstWrite) {
            declined = true;
            return 0; // queued by the transport; leaves with this turn's others (flush)
        }
        declined = false;
        lastWriteTurn = now;
        if (src.isDirect()) {
            // By address, not through MemorySegment.ofBuffer: that would be an object per write
            // (measured: 36 B per write on the ping-pong benchmark). The echo case is the loop's
            // own read buffer, whose address is known.
            long base = src == readBuffer ? readSegment.address() : MemorySegment.ofBuffer(src).address() - src.position();
            driver.writeCalls++;
            long n = Io.sendAddress(cs, fd, base + src.position(), src.remaining(), SocketConstants.MSG_NOSIGNAL);
            Reference.reachabilityFence(src);
            return advance(src, n);
        }
        Buffers b = driver.buffers();
        int total = 0;
        while (src.hasRemaining()) {
            int staged = b.stage(src);
            driver.writeCalls++;
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
        if (closed || pending != null || coalesced != null || queue.isEmpty()) {
            return;
        }
        if (declined) {
            // Declined by writeNow for coalescing (this turn's first write was already made,
            // or every write waits): send at the end of the turn.
            declined = false;
            coalesced = queue;
            driver.flushAtEndOfTurn(this);
            return;
        }
        // The caller just failed to write everything straight away, so the socket buffer is
        // full: wait for writability instead of trying again now.
        pending = queue;
        arm();
    }

    /**
     * The driver's end of turn: one gathered write of what the turn queued. Progress is told to
     * the transport from the run queue on the next turn (its flow-control callbacks must run in
     * the loop's run phase, not here); a remainder waits for writability.
     */
    void flushCoalesced() {
        WriteQueue q = coalesced;
        coalesced = null;
        if (q == null || closed || q.isEmpty()) {
            return;
        }
        lastWriteTurn = driver.turn();
        long n;
        long[] attempted = this.attempted;
        do {
            n = writeQueued(q, attempted);
        } while (n == -Errno.EINTR);
        if (n == -Errno.EAGAIN) {
            n = 0;
        } else if (n < 0) {
            IOException e = SysErrors.exception(attempted[1] == 1 ? "writev" : "send", (int) -n);
            failure = e;
            driver.queue(flushedNotice);
            return;
        }
        if (n > 0) {
            Buffers.advance(q.array(), q.offset(), n);
            q.consumed(n);
        }
        if (!q.isEmpty()) {
            pending = q;
            arm();
        }
        if (n > 0) {
            driver.queue(flushedNotice);
        }
    }

    /** A write error of the end-of-turn flush, told with the notice. */
    private IOException failure;

    private void notifyFlushed() {
        if (closed) {
            return;
        }
        IOException e = failure;
        if (e != null) {
            failure = null;
            sink.onIoError(e);
            return;
        }
        sink.onFlushed();
    }

    private void onWritable() {
        WriteQueue q = pending;
        if (closed) {
            return;
        }
        if (q == null) {
            Runnable w = fileWaiter;
            if (w != null) {
                // Run first, then re-arm: a sender that asks again (the usual case: it sent
                // until the socket was full) keeps its interest without two epoll_ctl calls.
                fileWaiter = null;
                w.run();
                if (!closed) {
                    arm();
                }
            }
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
            driver.writeCalls++;
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
        driver.writeCalls++;
        return Io.send(cs, fd, b.staging, staged, SocketConstants.MSG_NOSIGNAL);
    }

    /** sendfile(2) from a file's descriptor to this socket; null without descriptors to send from. */
    @Override
    public io.weft.internal.io.FileSender fileSender() {
        if (fileSender == null && io.weft.internal.io.SendableFile.descriptorsKnown()) {
            fileSender = new EpollFileSender(this, cs, fd);
        }
        return fileSender;
    }

    /** splice(2) between this socket and a pipe; see {@link EpollSplicer}. */
    @Override
    public io.weft.internal.io.Splicer splicer() {
        if (splicer == null && !closed) {
            splicer = new EpollSplicer(this, cs, fd);
        }
        return splicer;
    }

    /** For {@link EpollSplicer}: run {@code then} on the next readable event while reading is off (null: stop waiting). */
    void awaitReadable(Runnable then) {
        if (closed || readWaiter == then) {
            return;
        }
        readWaiter = then;
        arm();
    }

    /** For {@link EpollFileSender} and {@link EpollSplicer}: run {@code then} on the next writable event with the queue empty (null: stop waiting). */
    void awaitWritable(Runnable then) {
        if (closed) {
            return;
        }
        fileWaiter = then;
        arm();
    }

    boolean isClosed() {
        return closed;
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
        coalesced = null;
        fileWaiter = null;
        readWaiter = null;
        if (splicer != null) {
            splicer.closePipes();
        }
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
