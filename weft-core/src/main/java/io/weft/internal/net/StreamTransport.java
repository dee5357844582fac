package io.weft.internal.net;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.internal.file.FileToTransport;
import io.weft.internal.io.CompletionSplicer;
import io.weft.internal.io.FileSender;
import io.weft.internal.io.IoSink;
import io.weft.internal.io.SendableFile;
import io.weft.internal.io.SocketIo;
import io.weft.internal.io.WriteQueue;
import io.weft.internal.loop.Loop;
import io.weft.internal.loop.LoopResource;
import io.weft.loop.LoopClosedException;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import io.weft.net.ConnectionTimeoutException;
import io.weft.net.Protocol;
import io.weft.net.TimeoutKind;
import io.weft.net.Transport;
import io.weft.stream.ConnectionClosedException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The transport of a stream socket: write buffering, flow control, half-close, close and
 * abort, timeouts. It knows nothing of how bytes move; that is its {@link SocketIo}'s job.
 *
 * <h2>States</h2>
 * <pre>
 *   OPEN --close()--&gt; CLOSING (reading stopped, flushing) --buffer empty--&gt; LOST
 *   OPEN/CLOSING --abort(), I/O error, timeout--&gt; LOST
 * </pre>
 * Entering LOST closes the socket and schedules {@link Protocol#connectionLost} for the next
 * callback slot, so it never runs inside a protocol method that caused it. Loop thread only.
 *
 * <p><b>Lingering close.</b> Closing a socket that has unread input, or that input reaches
 * after it closed, makes the kernel answer with RST and drop what it had still to send (RFC 1122
 * 4.2.2.13; Linux {@code tcp_close}): a peer still sending when the reply ends would lose the
 * reply's tail. So a graceful LOST (close or startClosing once flushed) before the peer's EOF
 * does not close the socket at once: it shuts the write side (the kernel sends the rest, then
 * FIN), reads and discards until the peer's EOF, an error or {@link #LINGER}, and only then
 * closes. The protocol is told at entering LOST as before; the lingering socket stays a resource
 * of the loop, so closing the loop ends it. Abort, errors and timeouts never linger.
 *
 * <h2>Files</h2>
 * {@link #sendFile} is zero copy where the backend has a {@link FileSender} or, on a completion
 * backend, splice rounds through a pipe ({@code CompletionSplicer.openFilePipe}); both are
 * {@link FileSend}. The copy loop ({@link FileToTransport}) runs elsewhere. Either way one runs at a time, its
 * bytes follow everything written before the call, {@link #write} while it runs is refused (the
 * bytes would land inside the file's), and {@code close()}, {@code abort()} or the connection's
 * loss stop it and fail its promise.
 */
public final class StreamTransport implements Transport, IoSink, LoopResource {
    /** The longest a graceful close waits for the peer's EOF (Apache httpd lingers 2 s too). */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final Loop loop;
    private final SocketIo io;
    private final TransportObserver observer;
    private final WriteQueue queue;
    private final SocketAddress local;
    private final SocketAddress remote;
    private Protocol protocol;
    private int high;
    private int low;

    private boolean readingWanted = true;
    private boolean readEof;
    private boolean writingPaused;
    private boolean eofPending;
    private boolean outputShut;
    private boolean closing;
    private boolean lost;
    /** LOST, but the socket stays open to read and discard until the peer's EOF: see the class comment. */
    private boolean lingering;
    private TimerHandle lingerTimer;
    /** "close()" or "abort()" once the protocol called one: writing after that is its bug. */
    private String closedBy;

    /** The queue's size at the last report (also: before the backend's latest flush). */
    private long reported;
    /** The bytes held for the peer that the observer last heard of (see {@link #reportBuffer}). */
    private long reportedHeld;
    private Timeouts timeouts;
    private TimerHandle timeoutTimer;
    /** Bytes a zero-copy relay holds for this transport's peer in a kernel pipe (see {@link #setSpliceHeld}). */
    private long spliceHeld;
    /** A zero-copy relay's wait for the write queue to empty (see {@link #whenQueueEmpty}), or null. */
    private Runnable queueWaiter;
    /** The zero-copy sendFile running, or null. */
    private FileSend fileSend;
    /** Whether a copy-loop sendFile runs (its own writes go through {@link #writeFromFile}). */
    private boolean copyingFile;

    public StreamTransport(Loop loop, SocketIo io, Protocol protocol, int high, int low, TransportObserver observer) {
        this.loop = loop;
        this.io = io;
        this.queue = new WriteQueue(io.chunks());
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.observer = observer;
        this.high = high;
        this.low = low;
        this.local = io.localAddress();
        this.remote = io.remoteAddress();
    }

    /** Arms the per-connection timeouts; call before {@link #start()}. Null durations are off. */
    public void setTimeouts(Duration idle, Duration read, Duration write) {
        if (Timeouts.any(idle, read, write)) {
            timeouts = new Timeouts(idle, read, write, loop.time());
        }
    }

    /** Tells the protocol the connection is made and starts reading (unless it paused). */
    public void start() {
        loop.opened(this);
        io.start(this);
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            loop.reportException("connectionMade of " + protocol, e);
            finish(e);
            return;
        }
        if (lost) {
            return;
        }
        if (timeouts != null) {
            scheduleTimeoutCheck();
        }
        if (readingWanted && !closing) {
            io.setReading(true);
        }
    }

    // ---- writing ----

    @Override
    public void write(ByteBuffer data) {
        if (fileSend != null || copyingFile) {
            throw new IllegalStateException("write() on " + this + " while sendFile runs: its bytes would land inside"
                    + " the file's; write in the callback of sendFile's promise");
        }
        writeBytes(data);
    }

    /** The copy loop's own writes, which {@link #write} would refuse while it runs. */
    private void writeFromFile(ByteBuffer data) {
        writeBytes(data);
    }

    private void writeBytes(ByteBuffer data) {
        if (closedBy != null) {
            throw new IllegalStateException("write() after " + closedBy + " on " + this
                    + ": a closed transport takes no more data; write before closing");
        }
        if (lost) {
            // Lost without the protocol asking (reset, timeout, dropped): connectionLost is on
            // its way, and until it arrives the protocol cannot know. The bytes go nowhere.
            data.position(data.limit());
            return;
        }
        if (eofPending || outputShut) {
            throw new IllegalStateException("write() after writeEof() on " + this + ": the write side is shut");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (queue.isEmpty()) {
            // A completion backend settles a drain at its completion and tells us in a later task
            // (onFlushed): the observer hears of the zero first, so this write starts a new stretch
            // of buffering (DROP_LARGEST ranks equal holders by how long they have buffered).
            reportBuffer();
            int sent;
            try {
                sent = io.writeNow(data);
            } catch (IOException e) {
                data.position(data.limit()); // taken, as the contract says, and dropped with the connection
                connectionFailed(e);
                return;
            }
            if (sent > 0) {
                stampWrite(); // traffic for the idle timeout, even when only part went out
            }
            if (!data.hasRemaining()) {
                return;
            }
            if (timeouts != null) {
                timeouts.writeStalledSince = loop.time(); // the rest starts waiting now
            }
        }
        queue.add(data);
        reportBuffer();
        if (lost) {
            return; // the observer dropped us (server-wide output cap)
        }
        io.flush(queue);
        maybePauseWriting();
    }

    @Override
    public void onFlushed() {
        if (lingering) {
            return;
        }
        // Only bytes that left count as progress: a backend may wake up and take nothing (a
        // spurious readiness event, an empty completion), and stamping then would keep a
        // stalled connection safe from its write timeout forever.
        if (queue.size() < reported) {
            stampWrite();
        }
        reportBuffer();
        if (lost) {
            return;
        }
        maybeResumeWriting();
        if (queue.isEmpty()) {
            if (queueWaiter != null) {
                Runnable w = queueWaiter;
                queueWaiter = null;
                w.run(); // a relay's pipe empties into the socket only behind what was written
                if (lost) {
                    return;
                }
            }
            if (fileSend != null) {
                fileSend.pump(); // what was written before the file has left: the file's turn
                if (lost) {
                    return;
                }
            }
            if (closing) {
                finishClosing();
            } else if (eofPending) {
                eofPending = false;
                shutdownOutput();
            }
        }
    }

    /**
     * Tells the observer how the bytes held for the peer changed since it last heard: the queue,
     * but for bytes about to be offered to a socket that has taken everything so far
     * ({@link SocketIo#unoffered}: a completion backend's end-of-turn send).
     */
    private void reportBuffer() {
        reported = queue.size();
        long held = reported - io.unoffered(queue) + spliceHeld;
        long delta = held - reportedHeld;
        if (delta != 0) {
            reportedHeld = held;
            observer.bufferChanged(this, delta);
        }
    }

    private void stampWrite() {
        if (timeouts != null) {
            long now = loop.time();
            timeouts.lastWrite = now;
            timeouts.writeStalledSince = now;
        }
    }

    // Both check lost: once the connection is gone its protocol hears nothing but
    // connectionLost, even if the limits change or the (cleared) buffer is now "below low".
    private void maybePauseWriting() {
        if (!lost && !writingPaused && queue.size() > high) {
            writingPaused = true;
            callProtocol(Protocol::pauseWriting, "pauseWriting");
        }
    }

    private void maybeResumeWriting() {
        if (!lost && writingPaused && queue.size() <= low) {
            writingPaused = false;
            callProtocol(Protocol::resumeWriting, "resumeWriting");
        }
    }

    // ---- files ----

    /**
     * Zero copy through the backend's {@link FileSender} where it has one; otherwise the copy loop.
     * See {@link Transport#sendFile} and the class comment.
     */
    @Override
    public Promise<Long> sendFile(AsyncFile file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("sendFile needs a position and count of 0 or more, got "
                    + position + " and " + count);
        }
        if (fileSend != null || copyingFile) {
            throw new IllegalStateException("sendFile on " + this + " while another sendFile runs: start the next one"
                    + " in the callback of the first one's promise");
        }
        if (closing) {
            throw new IllegalStateException("sendFile on a transport that is closing: send before close()");
        }
        if (eofPending || outputShut) {
            throw new IllegalStateException("sendFile after writeEof() on " + this + ": the write side is shut");
        }
        FileSender sender = io.fileSender();
        // A completion backend's splice rounds, where it has them and the file's descriptor is known.
        CompletionSplicer ring = sender != null || !SendableFile.descriptorsKnown()
                ? null : io.completionSplicer();
        if (sender == null && ring == null) {
            copyingFile = true;
            Promise<Long> p = FileToTransport.start(this, this::writeFromFile, file, position, count);
            if (p.isDone()) {
                copyingFile = false; // an empty range: done at once, and a callback would come too late
            } else {
                p.whenComplete((n, e) -> copyingFile = false);
            }
            return p;
        }
        FileSend send = new FileSend(this, loop, sender, ring, file, position, count);
        fileSend = send;
        if (timeouts != null) {
            timeouts.writeStalledSince = loop.time();
        }
        send.begin();
        return send.result();
    }

    /**
     * The socket's zero-copy path to another socket, for {@code io.weft.net.Relay}; null when the
     * backend has none, when the transport is closing, or when it has timeouts of its own (their
     * clocks see only bytes that pass through here, and spliced bytes do not).
     */
    public io.weft.internal.io.Splicer splicer() {
        return closing || timeouts != null || fileSend != null || copyingFile ? null : io.splicer();
    }

    /**
     * The socket's zero-copy path to another socket in a completion backend's shape; null as for
     * {@link #splicer()}.
     */
    public CompletionSplicer completionSplicer() {
        return closing || timeouts != null || fileSend != null || copyingFile ? null : io.completionSplicer();
    }

    /**
     * For {@code io.weft.net.Relay}: the bytes its pipe towards this socket holds now, held for
     * this transport's peer as its write queue's bytes are, so the server-wide outbound cap counts
     * them (and may drop this transport for them).
     */
    public void setSpliceHeld(long bytes) {
        if (lost || bytes == spliceHeld) {
            return;
        }
        spliceHeld = bytes;
        reportBuffer();
    }

    /**
     * For {@code io.weft.net.Relay}: runs {@code then} once, when the write queue becomes empty
     * (after a send that took its last bytes); null cancels. Check {@link #writeBufferSize()} first:
     * an empty queue runs nothing.
     */
    public void whenQueueEmpty(Runnable then) {
        queueWaiter = then;
    }

    /** For {@link FileSend}: whether every byte written before the file has left. */
    boolean queueEmpty() {
        return queue.isEmpty();
    }

    /** For {@link FileSend}: bytes left for the socket (traffic, for the idle and write timeouts). */
    void fileProgress() {
        stampWrite();
    }

    /** For {@link FileSend}: the socket failed under a send. */
    void fileSendFailed(IOException e) {
        connectionFailed(e);
    }

    /** For {@link FileSend}: it is over, however it ended. */
    void fileSendEnded(FileSend send) {
        if (fileSend == send) {
            fileSend = null;
            if (closing && !lost && queue.isEmpty()) {
                finish(null); // close() waited for nothing but the file
            }
        }
    }

    /** Stops a running sendFile, for close(): the promise fails, the rest of the file is not sent. */
    private void stopFileSend(String by) {
        if (fileSend != null) {
            FileSend s = fileSend;
            s.stop(new ConnectionClosedException("sendFile stopped by " + by + " on " + this + " after " + s.sent()
                    + " bytes"));
        }
    }

    @Override
    public void writeEof() {
        if (eofPending || outputShut || closing) {
            return;
        }
        if (queue.isEmpty()) {
            shutdownOutput();
        } else {
            eofPending = true;
        }
    }

    private void shutdownOutput() {
        outputShut = true;
        try {
            io.shutdownOutput();
        } catch (IOException e) {
            connectionFailed(e);
            return;
        }
        if (readEof) {
            finish(null); // both directions done
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public long writeBufferSize() {
        return queue.size();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        if (low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
        this.high = high;
        this.low = low;
        maybePauseWriting();
        maybeResumeWriting();
    }

    /** Current (high, low) water marks. */
    public int writeBufferHigh() {
        return high;
    }

    public int writeBufferLow() {
        return low;
    }

    // ---- reading ----

    @Override
    public void onRead(ByteBuffer data) {
        if (lingering) {
            data.position(data.limit()); // input after close: discarded
            return;
        }
        if (timeouts != null) {
            timeouts.lastRead = loop.time();
        }
        try {
            protocol.dataReceived(data);
        } catch (Throwable e) {
            loop.reportException("dataReceived of " + protocol, e);
            finish(e);
        }
    }

    @Override
    public void onReadEof() {
        if (lingering) {
            endLinger();
            return;
        }
        readEof = true;
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (Throwable e) {
            loop.reportException("eofReceived of " + protocol, e);
            finish(e);
            return;
        }
        if (lost) {
            return;
        }
        if (outputShut) {
            finish(null);
        } else if (!keepOpen) {
            startClosing();
        }
    }

    @Override
    public void pauseReading() {
        readingWanted = false;
        io.setReading(false);
    }

    @Override
    public void resumeReading() {
        readingWanted = true;
        if (!closing && !readEof) {
            if (timeouts != null) {
                timeouts.lastRead = loop.time();
            }
            io.setReading(true);
        }
    }

    @Override
    public boolean isReading() {
        return readingWanted && !closing && !readEof;
    }

    // ---- closing ----

    @Override
    public void close() {
        if (closedBy == null) {
            closedBy = "close()";
        }
        startClosing();
    }

    /**
     * Stops reading and finishes once the buffer is flushed, on someone else's behalf: the
     * transport itself (eofReceived returned false) or its server shutting down. Unlike
     * {@link #close()}, the protocol did not ask, so it may go on writing until it hears
     * connectionLost; what it writes meanwhile is flushed too.
     */
    public void startClosing() {
        if (closing) {
            return;
        }
        closing = true;
        io.setReading(false);
        stopFileSend(closedBy != null ? closedBy : "the transport closing");
        if (queue.isEmpty()) {
            finishClosing();
        }
    }

    @Override
    public void abort() {
        if (closedBy == null) {
            closedBy = "abort()";
        }
        finish(null);
    }

    /**
     * Closes now with {@code cause} (null: a clean close) reported to the protocol, on someone
     * else's behalf: errors, policy drops, a shutdown deadline. Later writes are dropped silently.
     */
    public void abort(Throwable cause) {
        finish(cause);
    }

    @Override
    public void onIoError(IOException error) {
        if (lingering) {
            endLinger();
            return;
        }
        connectionFailed(error);
    }

    private void connectionFailed(IOException e) {
        finish(e);
    }

    /** Graceful LOST: lingers if the peer may still send (no EOF from it yet). */
    private void finishClosing() {
        finish(null, !readEof);
    }

    private void finish(Throwable cause) {
        finish(cause, false);
    }

    private void finish(Throwable cause, boolean linger) {
        if (lost) {
            return;
        }
        lost = true;
        closing = true;
        if (linger) {
            startLinger();
        } else {
            io.close();
            loop.closed(this);
        }
        if (timeoutTimer != null) {
            timeoutTimer.cancel();
        }
        queue.clear();
        spliceHeld = 0;
        queueWaiter = null;
        reportBuffer();
        if (fileSend != null) {
            fileSend.lost(cause);
        }
        observer.closed(this);
        Protocol p = protocol;
        loop.callSoon(() -> p.connectionLost(cause));
    }

    private void startLinger() {
        lingering = true;
        if (!outputShut) {
            outputShut = true;
            try {
                io.shutdownOutput();
            } catch (IOException e) {
                endLinger(); // gone already: nothing to wait for
                return;
            }
        }
        io.setReading(true);
        lingerTimer = loop.callLater(LINGER, this::endLinger);
    }

    private void endLinger() {
        if (!lingering) {
            return;
        }
        lingering = false;
        if (lingerTimer != null) {
            lingerTimer.cancel();
        }
        io.close();
        loop.closed(this);
    }

    @Override
    public void loopClosing() {
        if (lingering) {
            endLinger();
            return;
        }
        finish(new LoopClosedException("the event loop of " + this + " closed"));
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** Whether the connection is gone (socket closed). */
    public boolean isLost() {
        return lost;
    }

    // ---- timeouts ----

    private void scheduleTimeoutCheck() {
        long now = loop.time();
        timeoutTimer = loop.callAt(timeouts.nextCheck(now, isReading(), outputWaiting()), this::checkTimeouts);
    }

    private void checkTimeouts() {
        if (lost) {
            return;
        }
        long now = loop.time();
        TimeoutKind kind = timeouts.expired(now, isReading(), outputWaiting());
        if (kind != null) {
            finish(new ConnectionTimeoutException(kind, timeouts.duration(kind)));
        } else {
            scheduleTimeoutCheck();
        }
    }

    /** Whether output waits on the peer: queued bytes, or a file send waiting for the socket. */
    private boolean outputWaiting() {
        return !queue.isEmpty() || fileSend != null && fileSend.waitingOnSocket();
    }

    // ---- the rest ----

    private void callProtocol(Consumer<Protocol> call, String what) {
        try {
            call.accept(protocol);
        } catch (Throwable e) {
            loop.reportException(what + " of " + protocol, e);
        }
    }

    @Override
    public EventLoop loop() {
        return loop;
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
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String toString() {
        return "StreamTransport[" + local + " <-> " + remote + (lost ? ", lost" : closing ? ", closing" : "") + "]";
    }
}
