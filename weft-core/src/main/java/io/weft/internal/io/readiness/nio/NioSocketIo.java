package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.IoSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.internal.io.Errors;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * {@link SocketIo} over a non-blocking {@link SocketChannel}: reads when the poller says
 * readable, writes the queue when it says writable.
 */
final class NioSocketIo implements SocketIo {
    /**
     * Reads per readiness event at most. More than one saves poll calls on a fast sender; a cap
     * keeps one busy connection from starving the others on the loop.
     */
    private static final int MAX_READS_PER_EVENT = 4;

    private final NioDriver driver;
    private final ByteBuffer readBuffer;
    private final SocketChannel channel;
    private NioDriver.Registration watch;
    private IoSink sink;
    private WriteQueue pending;
    /** The zero-copy sender's wait for writability (its queue is empty meanwhile), or null. */
    private Runnable fileWaiter;
    private NioFileSender fileSender;
    private boolean reading;
    private boolean closed;

    NioSocketIo(NioDriver driver, ByteBuffer readBuffer, SocketChannel channel) {
        this.driver = driver;
        this.readBuffer = readBuffer;
        this.channel = channel;
    }

    @Override
    public void start(IoSink sink) {
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
        watch.arm((reading ? NioDriver.READ : 0) | (pending != null || fileWaiter != null ? NioDriver.WRITE : 0));
    }

    private void onReadable() {
        ByteBuffer buf = readBuffer;
        for (int i = 0; i < MAX_READS_PER_EVENT && reading && !closed; i++) {
            buf.clear();
            int n;
            try {
                n = channel.read(buf);
            } catch (IOException e) {
                sink.onIoError(Errors.translate("read", e));
                return;
            }
            if (n < 0) {
                reading = false;
                arm();
                sink.onReadEof();
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            sink.onRead(buf);
            if (n < buf.capacity()) {
                return; // the socket is (very likely) empty: don't pay for a read that says so
            }
        }
    }

    @Override
    public int writeNow(ByteBuffer src) throws IOException {
        if (closed) {
            return 0;
        }
        try {
            return channel.write(src);
        } catch (IOException e) {
            throw Errors.translate("write", e);
        }
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
        try {
            while (!q.isEmpty()) {
                long n = channel.write(q.array(), q.offset(), q.count());
                q.consumed(n);
                if (n == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            sink.onIoError(Errors.translate("write", e));
            return;
        }
        if (q.isEmpty()) {
            pending = null;
            arm();
        }
        sink.onFlushed();
    }

    /** {@code FileChannel.transferTo} this channel: the JDK's sendfile(2) on Linux. */
    @Override
    public io.weft.internal.io.FileSender fileSender() {
        if (fileSender == null) {
            fileSender = new NioFileSender(this, channel);
        }
        return fileSender;
    }

    /** For {@link NioFileSender}: run {@code then} on the next writable event (null: stop waiting). */
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
        if (!closed) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        fileWaiter = null;
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
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
