package io.weft.stream;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopClosedException;
import io.weft.net.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The sending half of a stream connection, for code written with futures.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Thread.</b> Loop thread only; other threads get {@link WrongThreadException}.</li>
 *   <li><b>Writing never blocks.</b> {@link #write} hands the bytes to the transport, which sends
 *       what the kernel takes and buffers the rest. The bytes are taken at the call: the caller
 *       may reuse its array or buffer as soon as {@code write} returns.</li>
 *   <li><b>Flow control is the caller's job:</b> after writing, wait for {@link #drain()}, which
 *       completes once the transport's write buffer is at or below its low-water mark (at once
 *       if it already is). A writer that never drains can buffer without bound.</li>
 *   <li><b>Closing.</b> {@link #close()} sends what is buffered, then closes; its promise
 *       completes when the connection is closed. {@link #writeEof()} half-closes: the peer
 *       sees EOF and can still send.</li>
 *   <li><b>Loss.</b> Writing after {@link #close()} or {@link #writeEof()} throws
 *       {@link IllegalStateException}. Once the connection is lost otherwise (the peer reset
 *       it, a timeout), writes are dropped, and {@link #drain()} (pending or later) fails with
 *       the connection's error, or with {@link ConnectionClosedException} if it was closed
 *       cleanly.</li>
 * </ul>
 *
 * <h2>Water marks</h2>
 * The writer keeps the transport's water marks (from the connect or server options, or set here
 * with {@link #setWriteBufferLimits}), and needs to know them: set them through the writer, not
 * on the transport. While a {@code drain()} waits with the buffer between the marks, the writer
 * briefly lowers the high mark to the low one so the transport reports when it gets there.
 */
public final class StreamWriter {
    private int high;
    private int low;
    private Transport transport;
    private EventLoop loop;
    private Promise<Void> closed;
    /** Drains waiting for the buffer to reach the low-water mark. */
    private final List<Promise<Void>> drains = new ArrayList<>();
    /** The transport called pauseWriting and has not yet called resumeWriting. */
    private boolean paused;
    /** drain() set the transport's high mark down to the low one; restore on resume. */
    private boolean tightened;
    private boolean lost;
    private Throwable lostCause;

    StreamWriter(int high, int low) {
        checkLimits(high, low);
        this.high = high;
        this.low = low;
    }

    /** Sends {@code data}'s remaining bytes; its position moves to its limit. Never blocks. */
    public void write(ByteBuffer data) {
        checkThread();
        transport.write(data);
    }

    /** Sends {@code data}. Never blocks; the array may be reused when this returns. */
    public void write(byte[] data) {
        write(ByteBuffer.wrap(data));
    }

    /**
     * Completes when the transport's write buffer is at or below the low-water mark: at once if
     * it is already. Fails if the connection is lost first (or was already), with its error or
     * {@link ConnectionClosedException}. Any number of drains may wait together.
     */
    public Promise<Void> drain() {
        checkThread();
        if (lost) {
            return Promise.failed(loop, lossError("drain(): the connection is closed"));
        }
        if (transport.writeBufferSize() <= low) {
            return Promise.completed(loop, null);
        }
        Promise<Void> p = loop.newPromise();
        drains.add(p);
        p.onCancel(() -> onLoop(() -> drains.remove(p)));
        if (!paused) {
            // Between the marks the transport would stay quiet until the buffer empties or
            // passes the high mark: make it tell us when it reaches the low one.
            tightened = true;
            transport.setWriteBufferLimits(low, low);
        }
        return p;
    }

    /** Half-closes once the buffer is flushed: the peer sees EOF; reading goes on. */
    public void writeEof() {
        checkThread();
        transport.writeEof();
    }

    /** Whether {@link #writeEof()} is supported by the transport. */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /**
     * Flushes what is buffered, then closes the connection; idempotent. Same as
     * {@link #closed()} otherwise.
     */
    public Promise<Void> close() {
        checkThread();
        transport.close();
        return closed;
    }

    /**
     * Completes when the connection is closed; fails with the connection's error if it was lost
     * to one (buffered bytes may then not have been sent).
     */
    public Promise<Void> closed() {
        checkThread();
        return closed;
    }

    /** Bytes written but not yet taken by the kernel. */
    public long bufferedBytes() {
        return transport.writeBufferSize();
    }

    /** Sets the transport's water marks; {@code low} must not exceed {@code high}. */
    public void setWriteBufferLimits(int high, int low) {
        checkThread();
        checkLimits(high, low);
        this.high = high;
        this.low = low;
        if (tightened) {
            transport.setWriteBufferLimits(low, low);
        } else {
            transport.setWriteBufferLimits(high, low);
        }
    }

    public int writeBufferHigh() {
        return high;
    }

    public int writeBufferLow() {
        return low;
    }

    /** The connection underneath: addresses, TLS session, abort. */
    public Transport transport() {
        return transport;
    }

    // ---- from the protocol ----

    void attach(Transport transport) {
        this.transport = transport;
        this.loop = transport.loop();
        this.closed = loop.newPromise();
        // Observed by the writer itself: a lost connection nobody waits on is not an
        // "unobserved failure" worth a debug-mode warning.
        closed.whenComplete((v, e) -> { });
        transport.setWriteBufferLimits(high, low);
    }

    void pauseWriting() {
        paused = true;
    }

    void resumeWriting() {
        paused = false;
        if (tightened) {
            tightened = false;
            transport.setWriteBufferLimits(high, low);
        }
        List<Promise<Void>> ready = List.copyOf(drains);
        drains.clear();
        for (Promise<Void> p : ready) {
            p.complete(null);
        }
    }

    void connectionLost(Throwable cause) {
        lost = true;
        lostCause = cause;
        List<Promise<Void>> waiting = List.copyOf(drains);
        drains.clear();
        for (Promise<Void> p : waiting) {
            p.fail(lossError("drain(): the connection closed before its write buffer drained"));
        }
        if (cause == null) {
            closed.complete(null);
        } else {
            closed.fail(cause);
        }
    }

    /** The error the connection was lost to, or null (still open, or closed cleanly). */
    Throwable lostCause() {
        return lostCause;
    }

    private Throwable lossError(String message) {
        return lostCause != null ? lostCause : new ConnectionClosedException(message);
    }

    private void onLoop(Runnable r) {
        if (loop.inLoop()) {
            r.run();
            return;
        }
        try {
            loop.execute(r);
        } catch (LoopClosedException e) {
            // The loop is gone; so is the list.
        }
    }

    private void checkThread() {
        if (loop == null) {
            throw new IllegalStateException("the stream is not connected yet: use the writer of a connected"
                    + " StreamConnection, or from StreamProtocol.connectionMade on");
        }
        if (!loop.inLoop()) {
            throw new WrongThreadException("a StreamWriter may only be used on its loop's thread (" + loop
                    + "); hand the work over with loop.execute(...)");
        }
    }

    private static void checkLimits(int high, int low) {
        if (low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
    }

    @Override
    public String toString() {
        return "StreamWriter[" + (transport == null ? "unconnected" : transport.writeBufferSize() + " bytes buffered")
                + (paused ? ", paused" : "") + (lost ? ", lost" : "") + "]";
    }
}
