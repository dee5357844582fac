package io.weft.testkit.sim;

import io.weft.internal.dispatch.Task;
import io.weft.internal.io.IoSink;
import io.weft.internal.io.ReadyQueue;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.net.ConnectionResetException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * {@link SocketIo} over one {@link Side} of a simulated connection, keeping every rule of the
 * seam as a readiness backend does: level-triggered, the loop's shared read buffer lent up for
 * one call, the caller's buffer read only during {@link #writeNow}, the {@link WriteQueue}
 * drained in the background as the pipe has room. How much each read and write takes is drawn
 * at random (partial reads and writes); a reset shows as the {@link ConnectionResetException}
 * the real backends give ("read: connection reset by peer"), after the bytes that came first.
 * Loop thread only.
 */
final class SimSocket implements SocketIo, SimDriver.Endpoint {
    private final SimDriver driver;
    private final Side side;
    private final Task readTask = new Task(this::onReadable, null);
    private final Task writeTask = new Task(this::onWritable, null);
    private IoSink sink;
    private WriteQueue pending;
    private boolean reading;
    private boolean eofReported;
    private boolean errorReported;
    private boolean closed;

    SimSocket(SimDriver driver, Side side) {
        this.driver = driver;
        this.side = side;
    }

    @Override
    public void start(IoSink sink) {
        this.sink = sink;
        driver.register(this);
    }

    @Override
    public void setReading(boolean on) {
        if (!closed) {
            reading = on;
        }
    }

    // ---- readiness ----

    private boolean readable() {
        return reading && (side.in.unread() > 0 || side.resetArrived && !errorReported
                || side.in.finArrived() && !eofReported);
    }

    private boolean writable() {
        return pending != null && (side.resetArrived && !errorReported || side.out.space() > 0);
    }

    @Override
    public boolean isReady() {
        return !closed && sink != null && (readable() || writable());
    }

    @Override
    public int poll(ReadyQueue ready) {
        if (closed || sink == null) {
            return 0;
        }
        int n = 0;
        if (readable()) {
            ready.add(readTask);
            n++;
        }
        if (writable()) {
            ready.add(writeTask);
            n++;
        }
        return n;
    }

    // ---- reading ----

    private void onReadable() {
        if (closed || !reading) {
            return;
        }
        if (side.in.unread() > 0) {
            ByteBuffer buf = driver.readBuffer();
            buf.clear();
            int n = driver.network().readSize(side.in.unread(), buf.capacity());
            side.in.read(buf, n);
            buf.flip();
            sink.onRead(buf);
            return;
        }
        if (side.resetArrived && !errorReported) {
            errorReported = true;
            sink.onIoError(new ConnectionResetException("read: connection reset by peer", null));
            return;
        }
        if (side.in.finArrived() && !eofReported) {
            eofReported = true;
            reading = false;
            sink.onReadEof();
        }
    }

    // ---- writing ----

    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        if (closed) {
            return 0;
        }
        if (side.resetArrived) {
            errorReported = true;
            throw new ConnectionResetException("write: connection reset by peer", null);
        }
        if (side.outputShut) {
            throw new IOException("write: EPIPE (Broken pipe): the write side was shut");
        }
        int n = driver.network().writeSize(src.remaining(), side.out.space());
        if (n == 0) {
            return 0;
        }
        byte[] data = new byte[n];
        src.get(data);
        side.conn.send(side, data);
        return n;
    }

    @Override
    public void flush(WriteQueue queue) {
        if (closed || pending != null || queue.isEmpty()) {
            return;
        }
        pending = queue;
    }

    private void onWritable() {
        WriteQueue q = pending;
        if (q == null || closed) {
            return;
        }
        if (side.resetArrived) {
            errorReported = true;
            sink.onIoError(new ConnectionResetException("write: connection reset by peer", null));
            return;
        }
        int n = driver.network().writeSize(q.size(), side.out.space());
        if (n > 0) {
            byte[] data = new byte[n];
            int at = 0;
            ByteBuffer[] bufs = q.array();
            for (int i = q.offset(); at < n; i++) {
                ByteBuffer b = bufs[i];
                int take = Math.min(b.remaining(), n - at);
                b.get(data, at, take);
                at += take;
            }
            q.consumed(n);
            side.conn.send(side, data);
        }
        if (q.isEmpty()) {
            pending = null;
        }
        sink.onFlushed();
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (closed) {
            return;
        }
        if (side.resetArrived) {
            throw new ConnectionResetException("shutdown: connection reset by peer", null);
        }
        side.conn.shutdownOutput(side);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        driver.unregister(this);
        side.conn.close(side);
    }

    @Override
    public SocketAddress localAddress() {
        return side.local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return side.remote;
    }

    @Override
    public String toString() {
        return "sim socket " + side;
    }
}
