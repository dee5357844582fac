package io.weft.internal.io.readiness.nio;

import io.weft.internal.io.IoSink;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.internal.io.Errors;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import io.weft.internal.dispatch.Task;

/**
 * {@link SocketIo} over a non-blocking {@link SocketChannel}: reads when the poller says
 * readable, writes the queue when it says writable.
 *
 * <p><b>Hearing a reset while paused.</b> The JDK's selectors take a channel whose interest set
 * is empty out of the kernel's set (epoll: {@code EPOLL_CTL_DEL}), so a reset that arrives while
 * the transport has reading paused and nothing queued would go unheard until it resumes. So
 * while paused this keeps read interest ("listening") and, when the socket turns readable, reads
 * at most one byte: a reset or error then reaches the sink at once; a byte or the end of stream
 * is held (one byte, no buffer) and listening stops, since the peer is plainly alive and
 * level-triggered readiness would otherwise report the same bytes every turn. On resume the held
 * byte goes first, in order, in the same {@link IoSink#onRead} as what follows it; a held end
 * of stream is reported after. Limit: a reset that comes after a held byte is heard on resume
 * (or by a write), as before.
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
    /** A byte read while paused (0..255), or -1: delivered first on resume. */
    private int held = -1;
    /** The end of stream, seen while paused; reported on resume. */
    private boolean heldEof;
    /** The end of stream was reported: no more listening (readable forever after). */
    private boolean inputDone;
    /** Delivers what is held on resume from the run queue: never inside {@code setReading}. */
    private final Task heldNotice = new Task(this::onReadable, null);
    private boolean heldNoticeQueued;

    NioSocketIo(NioDriver driver, ByteBuffer readBuffer, SocketChannel channel) {
        this.driver = driver;
        this.readBuffer = readBuffer;
        this.channel = channel;
    }

    @Override
    public void start(IoSink sink) {
        this.sink = sink;
        this.watch = driver.watch(channel, this::onReadable, this::onWritable);
        arm(); // listening for a reset until reading starts
    }

    @Override
    public void setReading(boolean on) {
        if (closed || reading == on) {
            return;
        }
        reading = on;
        arm();
        if (on && (held >= 0 || heldEof) && !heldNoticeQueued) {
            heldNoticeQueued = true;
            driver.runSoon(heldNotice);
        }
    }

    /** Whether to keep read interest while paused, to hear a reset (see the class comment). */
    private boolean listening() {
        return !reading && held < 0 && !heldEof && !inputDone;
    }

    private void arm() {
        boolean read = reading ? !heldEof : listening();
        watch.arm((read ? NioDriver.READ : 0) | (pending != null || fileWaiter != null ? NioDriver.WRITE : 0));
    }

    private void onReadable() {
        heldNoticeQueued = false;
        if (closed) {
            return;
        }
        if (!reading) {
            if (listening()) {
                listen();
            }
            return;
        }
        if (heldEof && held < 0) {
            endOfStream();
            return;
        }
        ByteBuffer buf = readBuffer;
        for (int i = 0; i < MAX_READS_PER_EVENT && reading && !closed; i++) {
            buf.clear();
            if (held >= 0) {
                buf.put((byte) held); // the byte taken while paused goes first
                held = -1;
            }
            int n;
            try {
                n = heldEof ? -1 : channel.read(buf);
            } catch (IOException e) {
                if (buf.position() > 0) {
                    deliver(buf);
                }
                if (!closed) {
                    sink.onIoError(Errors.translate("read", e));
                }
                return;
            }
            if (n < 0) {
                if (buf.position() > 0) {
                    deliver(buf);
                    if (closed) {
                        return;
                    }
                    if (!reading) {
                        heldEof = true; // paused by that delivery: the end waits for resume
                        arm();
                        return;
                    }
                }
                endOfStream();
                return;
            }
            int got = buf.position();
            if (got == 0) {
                return;
            }
            deliver(buf);
            if (got < buf.capacity()) {
                return; // the socket is (very likely) empty: don't pay for a read that says so
            }
        }
    }

    private void deliver(ByteBuffer buf) {
        buf.flip();
        sink.onRead(buf);
    }

    private void endOfStream() {
        heldEof = false;
        inputDone = true;
        reading = false;
        arm();
        sink.onReadEof();
    }

    /** Paused and readable: take one byte, to tell a live peer from a reset one. */
    private void listen() {
        ByteBuffer one = readBuffer;
        one.clear().limit(1);
        int n;
        try {
            n = channel.read(one);
        } catch (IOException e) {
            sink.onIoError(Errors.translate("read", e));
            return;
        }
        if (n < 0) {
            heldEof = true;
        } else if (n == 1) {
            held = one.get(0) & 0xff;
        }
        arm();
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
