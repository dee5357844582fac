package io.weft.internal.net.udp;

import io.weft.internal.io.DatagramIo;
import io.weft.internal.io.DatagramQueue;
import io.weft.internal.io.DatagramSink;
import io.weft.internal.loop.Loop;
import io.weft.internal.loop.LoopResource;
import io.weft.loop.EventLoop;
import io.weft.net.DatagramProtocol;
import io.weft.net.DatagramTooLargeException;
import io.weft.net.DatagramTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The transport of a UDP endpoint: the send queue, flow control, close and abort. It knows
 * nothing of how datagrams move; that is its {@link DatagramIo}'s job.
 *
 * <h2>States</h2>
 * <pre>
 *   OPEN --close()--&gt; CLOSING (receiving stopped, sending the queue) --queue empty--&gt; LOST
 *   OPEN/CLOSING --abort()--&gt; LOST
 * </pre>
 * Nothing that happens to one datagram (an ICMP error, a refused send, an oversized arrival, a
 * protocol exception) leaves OPEN: each goes to {@link DatagramProtocol#errorReceived} or the
 * loop's exception handler. Entering LOST closes the socket and schedules
 * {@link DatagramProtocol#connectionLost} for the next callback slot, so it never runs inside a
 * protocol method that caused it. Loop thread only.
 *
 * <p>The queue holds whole datagrams, each copied into a buffer of its own: a datagram is one
 * system call, never split, so packing them into shared chunks (as the stream queue does)
 * would buy nothing.
 */
public final class DatagramEndpoint implements DatagramTransport, DatagramSink, LoopResource {
    private final Loop loop;
    private final DatagramIo io;
    private final int maxDatagramSize;
    private final SocketAddress local;
    private final SocketAddress remote;
    private final DatagramQueue queue = new DatagramQueue();
    private DatagramProtocol protocol;
    private int high;
    private int low;

    private boolean readingWanted = true;
    private boolean writingPaused;
    private boolean closing;
    private boolean lost;

    /** A datagram waiting for room in the socket: its own copy of the bytes, and where to. */
    public DatagramEndpoint(Loop loop, DatagramIo io, DatagramProtocol protocol, int maxDatagramSize, int high,
            int low) {
        this.loop = loop;
        this.io = io;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.maxDatagramSize = maxDatagramSize;
        this.high = high;
        this.low = low;
        this.local = io.localAddress();
        this.remote = io.remoteAddress();
    }

    /** Tells the protocol the endpoint is up and starts receiving (unless it paused). */
    public void start() {
        io.start(this);
        loop.opened(this);
        try {
            protocol.connectionMade(this);
        } catch (Throwable e) {
            loop.reportException("connectionMade of " + protocol, e);
            abort();
            return;
        }
        if (readingWanted && !closing) {
            io.setReading(true);
        }
    }

    // ---- sending ----

    @Override
    public void sendTo(ByteBuffer data, SocketAddress to) {
        if (closing) {
            // Only the owner's close() or abort() ends an endpoint, so this is always misuse
            // (unlike a stream, which a peer's reset can end before the protocol hears of it).
            throw new IllegalStateException("sendTo after close() or abort() on " + this);
        }
        SocketAddress target = checkTarget(to);
        int n = data.remaining();
        if (n > maxDatagramSize) {
            throw new IllegalArgumentException("datagram of " + n + " bytes is longer than this endpoint's "
                    + "maxDatagramSize of " + maxDatagramSize + "; split it, or raise DatagramOptions.maxDatagramSize");
        }
        if (n == 0 && remote != null) {
            // Why: the JDK's DatagramChannel.write/send on a connected channel return 0 for an
            // empty buffer without making the system call (sun.nio.ch.IOUtil.writeFromNativeBuffer),
            // so the datagram would silently never leave. Refuse rather than pretend.
            throw new IllegalArgumentException("cannot send an empty datagram on a connected endpoint: the JDK "
                    + "skips the system call for an empty buffer on a connected DatagramChannel; "
                    + "use an unconnected endpoint and sendTo for empty datagrams");
        }
        if (queue.isEmpty()) {
            boolean sent;
            try {
                // Errors deferred: errorReceived must not run inside the protocol's own sendTo call.
                sent = send(data, target, true);
            } catch (IOException e) {
                data.position(data.limit());
                loop.callSoon(() -> errorReceived(e));
                return;
            }
            if (sent) {
                return;
            }
        }
        queue.add(data, target);
        io.flush(queue);
        if (!writingPaused && queue.bytes() > high) {
            writingPaused = true;
            callProtocol(DatagramProtocol::pauseWriting, "pauseWriting");
        }
    }

    /** The address to hand to {@link DatagramIo#sendNow}: null on a connected endpoint. */
    private SocketAddress checkTarget(SocketAddress to) {
        if (remote != null) {
            if (to != null && !to.equals(remote)) {
                throw new IllegalArgumentException("this endpoint is connected to " + remote + " and cannot send to "
                        + to + "; use an unconnected endpoint to send to several peers");
            }
            return null;
        }
        if (to == null) {
            throw new IllegalArgumentException("sendTo on an unconnected endpoint needs a destination address");
        }
        if (!(to instanceof InetSocketAddress inet)) {
            throw new IllegalArgumentException("UDP needs an InetSocketAddress, got " + to.getClass().getName());
        }
        if (inet.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + to + ": resolve the name first "
                    + "(sendTo does not block on DNS)");
        }
        return to;
    }

    /**
     * Offers one datagram to the I/O for sending at once. Why the retry: on a connected socket the
     * kernel reports a pending ICMP error from the next send <em>instead of</em> sending (Linux
     * checks the socket error before queuing the datagram), so the error is an earlier
     * datagram's and this one never left. The error is consumed by then: report it (after this
     * call, not inside the protocol's own sendTo) and offer this datagram once more.
     */
    private boolean send(ByteBuffer data, SocketAddress to, boolean deferErrors) throws IOException {
        try {
            return io.sendNow(data, to);
        } catch (PortUnreachableException earlier) {
            if (deferErrors) {
                loop.callSoon(() -> errorReceived(earlier));
            } else {
                errorReceived(earlier);
            }
            return !lost && io.sendNow(data, to);
        }
    }

    @Override
    public void send(ByteBuffer data) {
        if (remote == null) {
            throw new IllegalStateException("send() needs a connected endpoint (one made with a remote address); "
                    + "use sendTo(data, address) on " + this);
        }
        sendTo(data, null);
    }

    @Override
    public void onFlushed() {
        if (lost) {
            return;
        }
        maybeResumeWriting();
        if (closing && queue.isEmpty()) {
            finish();
        }
    }

    @Override
    public void onSendError(IOException error) {
        errorReceived(error);
    }

    private void maybeResumeWriting() {
        if (writingPaused && queue.bytes() <= low) {
            writingPaused = false;
            callProtocol(DatagramProtocol::resumeWriting, "resumeWriting");
        }
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        if (low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got low " + low + ", high " + high);
        }
        this.high = high;
        this.low = low;
        if (!writingPaused && queue.bytes() > high) {
            writingPaused = true;
            callProtocol(DatagramProtocol::pauseWriting, "pauseWriting");
        } else {
            maybeResumeWriting();
        }
    }

    @Override
    public long writeBufferSize() {
        return queue.bytes();
    }

    // ---- receiving ----

    @Override
    public void onDatagram(ByteBuffer data, SocketAddress from) {
        if (data.remaining() > maxDatagramSize) {
            errorReceived(new DatagramTooLargeException("a datagram from " + from + " was longer than this "
                    + "endpoint's maxDatagramSize of " + maxDatagramSize + " bytes; dropped"));
            return;
        }
        try {
            protocol.datagramReceived(data, from);
        } catch (Throwable e) {
            loop.reportException("datagramReceived of " + protocol + " (from " + from + ")", e);
        }
    }

    @Override
    public void onError(IOException error) {
        errorReceived(error);
    }

    private void errorReceived(IOException error) {
        if (lost) {
            return;
        }
        try {
            protocol.errorReceived(error);
        } catch (Throwable e) {
            loop.reportException("errorReceived of " + protocol, e);
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
        if (!closing) {
            io.setReading(true);
        }
    }

    @Override
    public boolean isReading() {
        return readingWanted && !closing;
    }

    // ---- closing ----

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        io.setReading(false);
        if (queue.isEmpty()) {
            finish();
        }
    }

    @Override
    public void abort() {
        finish();
    }

    @Override
    public void loopClosing() {
        finish();
    }

    private void finish() {
        if (lost) {
            return;
        }
        lost = true;
        closing = true;
        io.close();
        loop.closed(this);
        queue.clear();
        DatagramProtocol p = protocol;
        loop.callSoon(() -> p.connectionLost(null));
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** Whether the endpoint is gone (socket closed). */
    public boolean isLost() {
        return lost;
    }

    // ---- the rest ----

    private void callProtocol(Consumer<DatagramProtocol> call, String what) {
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
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    @Override
    public DatagramProtocol protocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[" + local + (remote != null ? " -> " + remote : "")
                + (lost ? ", lost" : closing ? ", closing" : "") + "]";
    }
}
