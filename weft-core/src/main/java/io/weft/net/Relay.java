package io.weft.net;

import io.weft.future.Promise;
import io.weft.internal.io.Splicer;
import io.weft.internal.net.StreamTransport;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * Pumps bytes both ways between two connected transports, as a proxy does: what {@code a}
 * receives is written to {@code b} and the other way round, with bounded memory. Loop thread
 * only; both transports must live on the same loop.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Backpressure.</b> When one side's write buffer rises above its high-water mark the
 *       other side stops reading; it reads again once that buffer drained to its low-water
 *       mark. So the bytes a relay holds are at most each side's high-water mark plus one read
 *       (the loop's read buffer, 64 KiB), however slow either peer is; {@link #peakBufferedBytes()}
 *       shows it.</li>
 *   <li><b>Half-close.</b> A FIN from one peer is forwarded to the other ({@link Transport#writeEof()})
 *       once what was received before it has gone out; the other direction goes on. When both
 *       directions have ended, both transports close by themselves.</li>
 *   <li><b>Failure.</b> When either side is lost with an error (a reset, a timeout, a write
 *       to a peer that left), the other is aborted at once: nothing buffered for a dead tunnel is
 *       worth sending. A side lost cleanly makes the other {@link Transport#close()} (flushing).</li>
 *   <li><b>Idle timeout.</b> With {@link Options#idleTimeout()} set, a tunnel that moves no byte
 *       either way for that long is aborted with a {@link ConnectionTimeoutException} of kind
 *       {@link TimeoutKind#IDLE}.</li>
 * </ul>
 *
 * <h2>Taking over the transports</h2>
 * {@link #start} makes the relay each transport's protocol ({@link Transport#setProtocol}): the
 * previous protocols hear nothing more, not even {@code connectionLost}. Bytes the caller has
 * already received and not yet forwarded (a client's data that came in the same read as its
 * handshake) it writes to the other side itself before {@code start}, or after it in the same
 * callback; they are not counted, and they leave before any relayed byte. Reading is resumed on
 * both sides (a caller typically paused the client while it connected upstream).
 *
 * <h2>Two paths</h2>
 * <ul>
 *   <li><b>Zero copy</b> ({@link #isZeroCopy()}), chosen by itself when both transports are plain
 *       TCP or Unix stream sockets on the native epoll backend (not TLS, not NIO or poll, not
 *       io_uring), neither has timeouts of its own, and {@link Options#zeroCopy()} is on (the
 *       system property {@code weft.relay.splice=false} turns it off for every relay, for
 *       measuring): each direction moves its bytes with {@code splice(2)} from the socket into a
 *       kernel pipe and from the pipe to the other socket, never through this process. The
 *       rules above hold with the pipe in the place of the write buffer: a direction reads only
 *       into an empty pipe and waits for the other side to be writable while the pipe holds
 *       bytes, so the most a relay holds is one pipe per direction ({@link Options#writeBufferHigh()}
 *       rounded to what the kernel allows, at least 64 KiB; bytes in the pipes count in
 *       {@link #bufferedBytes()}); a FIN is forwarded once the pipe is empty. Splicing starts on
 *       the callback after {@code start}, so bytes written before it go first.</li>
 *   <li><b>Copying</b> everywhere else: each read lands in the loop's read buffer and is written
 *       on at once, sent straight to the socket when nothing is queued.</li>
 * </ul>
 * {@link #close()} flushes what the transports' write buffers hold; on the zero-copy path what
 * sits in a pipe at that moment is dropped, as with {@link #abort()}.
 */
public final class Relay {
    /**
     * How a relay treats its two sides.
     *
     * @param writeBufferHigh high-water mark applied to both transports, bytes
     * @param writeBufferLow  low-water mark applied to both transports, bytes
     * @param idleTimeout     abort a tunnel with no traffic either way for this long; null: never
     * @param zeroCopy        splice between the sockets where the backend can (see the class
     *                        comment); false: always copy
     */
    public record Options(int writeBufferHigh, int writeBufferLow, Duration idleTimeout, boolean zeroCopy) {
        public Options {
            if (writeBufferLow < 0 || writeBufferLow > writeBufferHigh) {
                throw new IllegalArgumentException("need 0 <= writeBufferLow <= writeBufferHigh, got low "
                        + writeBufferLow + ", high " + writeBufferHigh);
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive or null (none): " + idleTimeout);
            }
        }

        /** Zero copy where the backend can. */
        public Options(int writeBufferHigh, int writeBufferLow, Duration idleTimeout) {
            this(writeBufferHigh, writeBufferLow, idleTimeout, true);
        }

        /** 256 KiB high, 64 KiB low, no idle timeout, zero copy where the backend can. */
        public static Options defaults() {
            return new Options(256 * 1024, 64 * 1024, null, true);
        }

        public Options withIdleTimeout(Duration timeout) {
            return new Options(writeBufferHigh, writeBufferLow, timeout, zeroCopy);
        }

        public Options withWriteBufferLimits(int high, int low) {
            return new Options(high, low, idleTimeout, zeroCopy);
        }

        public Options withZeroCopy(boolean on) {
            return new Options(writeBufferHigh, writeBufferLow, idleTimeout, on);
        }
    }

    private final EventLoop loop;
    private final Side a;
    private final Side b;
    private final Options options;
    private final Promise<Void> closed;
    private Throwable cause;
    private long lastActivity;
    private long peakBuffered;
    private TimerHandle idleTimer;
    /** The zero-copy directions, or null on the copying path. */
    private SplicePump aToB;
    private SplicePump bToA;

    private Relay(Transport ta, Transport tb, Options options) {
        this.loop = ta.loop();
        this.options = options;
        this.a = new Side(ta);
        this.b = new Side(tb);
        a.other = b;
        b.other = a;
        this.closed = new Promise<>(loop);
    }

    /**
     * Starts relaying between {@code a} and {@code b}, both open and on the calling loop.
     *
     * @throws IllegalArgumentException if the transports live on different loops, or are the same
     * @throws IllegalStateException    if either is already closing
     */
    public static Relay start(Transport a, Transport b, Options options) {
        Objects.requireNonNull(options, "options");
        if (a == b) {
            throw new IllegalArgumentException("a relay needs two different transports");
        }
        if (a.loop() != b.loop()) {
            throw new IllegalArgumentException("both transports of a relay must live on one loop: connect the"
                    + " upstream on the loop that accepted the client");
        }
        if (a.isClosing() || b.isClosing()) {
            throw new IllegalStateException("a relay needs two open transports; " + (a.isClosing() ? a : b) + " is closing");
        }
        Relay r = new Relay(a, b, options);
        r.begin();
        return r;
    }

    private void begin() {
        lastActivity = loop.time();
        a.t.setProtocol(a);
        b.t.setProtocol(b);
        // After setProtocol: applying the marks may call pauseWriting at once, and it must reach us.
        a.t.setWriteBufferLimits(options.writeBufferHigh(), options.writeBufferLow());
        b.t.setWriteBufferLimits(options.writeBufferHigh(), options.writeBufferLow());
        a.noteBuffered();
        b.noteBuffered();
        if (openPumps()) {
            a.t.pauseReading(); // the pumps read from the sockets; the transports do not
            b.t.pauseReading();
            loop.callSoon(() -> {
                aToB.pump();
                bToA.pump();
            });
        } else {
            if (!a.other.writePaused) {
                a.t.resumeReading();
            }
            if (!b.other.writePaused) {
                b.t.resumeReading();
            }
        }
        if (options.idleTimeout() != null) {
            scheduleIdleCheck(lastActivity + options.idleTimeout().toNanos());
        }
    }

    /**
     * Opens both zero-copy directions when both sides can splice (see the class comment); false,
     * with nothing left open, when either cannot or a pipe cannot be had. Decided once, at start.
     */
    private boolean openPumps() {
        if (!options.zeroCopy() || "false".equals(System.getProperty("weft.relay.splice"))
                || !(a.t instanceof StreamTransport sa) || !(b.t instanceof StreamTransport sb)) {
            return false;
        }
        Splicer ia = sa.splicer();
        Splicer ib = sb.splicer();
        if (ia == null || ib == null) {
            return false;
        }
        int size = pipeSize(options.writeBufferHigh());
        try {
            aToB = SplicePump.open(this, sa, ia, sb, ib, size);
        } catch (IOException e) {
            return false; // no descriptor for a pipe: copy instead
        }
        try {
            bToA = SplicePump.open(this, sb, ib, sa, ia, size);
        } catch (IOException e) {
            aToB.stop();
            aToB = null;
            return false;
        }
        return true;
    }

    /**
     * The pipe size asked for: the high-water mark, at least the kernel's default 64 KiB and at most
     * its default unprivileged limit of 1 MiB ({@code /proc/sys/fs/pipe-max-size}); the property
     * {@code weft.relay.pipeSize} overrides it, for measuring.
     */
    private static int pipeSize(int high) {
        String p = System.getProperty("weft.relay.pipeSize");
        if (p != null) {
            return Integer.parseInt(p);
        }
        return Math.clamp(high, 64 * 1024, 1 << 20);
    }

    /** Whether the bytes move by splice(2) between the sockets; see the class comment. */
    public boolean isZeroCopy() {
        return aToB != null;
    }

    /** Bytes received from {@code a} and written to {@code b} so far. */
    public long bytesAToB() {
        return a.received + (aToB != null ? aToB.moved : 0);
    }

    /** Bytes received from {@code b} and written to {@code a} so far. */
    public long bytesBToA() {
        return b.received + (bToA != null ? bToA.moved : 0);
    }

    /** Bytes the relay holds now: both transports' write buffers, and on the zero-copy path its pipes. */
    public long bufferedBytes() {
        long n = a.t.writeBufferSize() + b.t.writeBufferSize();
        if (aToB != null) {
            n += aToB.level + bToA.level;
        }
        return n;
    }

    /** The most {@link #bufferedBytes()} ever was, sampled after every write. */
    public long peakBufferedBytes() {
        return peakBuffered;
    }

    /** Whether either side's reading is paused now for backpressure (on the zero-copy path: its pipe waits on the other side). */
    public boolean isThrottled() {
        return a.writePaused || b.writePaused || aToB != null && (aToB.throttled() || bToA.throttled());
    }

    /** The first error either side was lost with, or null (so far, or for a clean end). */
    public Throwable cause() {
        return cause;
    }

    /** Completes (never fails) once both transports are gone; see {@link #cause()} for why. */
    public Promise<Void> closed() {
        return closed;
    }

    /** Closes both sides, flushing what they hold. Idempotent. */
    public void close() {
        a.t.close();
        b.t.close();
    }

    /** Closes both sides now, dropping what they hold. Idempotent. */
    public void abort() {
        a.t.abort();
        b.t.abort();
    }

    public Transport a() {
        return a.t;
    }

    public Transport b() {
        return b.t;
    }

    private void scheduleIdleCheck(long at) {
        idleTimer = loop.callAt(at, this::checkIdle);
    }

    private void checkIdle() {
        idleTimer = null;
        if (a.lost && b.lost) {
            return;
        }
        long due = lastActivity + options.idleTimeout().toNanos();
        if (loop.time() >= due) {
            ConnectionTimeoutException e = new ConnectionTimeoutException(TimeoutKind.IDLE, options.idleTimeout());
            if (cause == null) {
                cause = e;
            }
            abort();
        } else {
            scheduleIdleCheck(due);
        }
    }

    /** For {@link SplicePump}: bytes moved, traffic for the idle timeout. */
    void spliced() {
        lastActivity = loop.time();
    }

    /** For {@link SplicePump}: a pipe filled, for the peak. */
    void noteBuffered() {
        long now = bufferedBytes();
        if (now > peakBuffered) {
            peakBuffered = now;
        }
    }

    private void sideLost(Side s, Throwable why) {
        s.lost = true;
        if (aToB != null) {
            aToB.stop(); // the clean ends drained their pipes first; on the others nothing is worth sending
            bToA.stop();
        }
        if (why != null && cause == null) {
            cause = why;
        }
        Side o = s.other;
        if (!o.lost) {
            if (why != null) {
                o.t.abort();
            } else {
                o.t.close();
            }
        }
        if (a.lost && b.lost) {
            if (idleTimer != null) {
                idleTimer.cancel();
                idleTimer = null;
            }
            closed.complete(null);
        }
    }

    /** One transport's protocol: what it reads goes to {@code other}. */
    private final class Side implements Protocol {
        final Transport t;
        Side other;
        long received;
        /** This side's write buffer is above its high-water mark: {@code other} is not reading. */
        boolean writePaused;
        boolean lost;

        Side(Transport t) {
            this.t = t;
        }

        @Override
        public void connectionMade(Transport transport) {
            // Never called: the relay joins live connections through setProtocol.
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            int n = data.remaining();
            received += n;
            lastActivity = loop.time();
            if (other.lost || other.t.isClosing()) {
                data.position(data.limit()); // the other side is going: nothing to deliver to
                return;
            }
            other.t.write(data);
            other.noteBuffered();
        }

        void noteBuffered() {
            Relay.this.noteBuffered();
        }

        @Override
        public boolean eofReceived() {
            if (!other.lost && !other.t.isClosing() && other.t.canWriteEof()) {
                other.t.writeEof(); // sent once what this side delivered has gone out
                return true;
            }
            return false;
        }

        @Override
        public void pauseWriting() {
            writePaused = true;
            other.t.pauseReading();
        }

        @Override
        public void resumeWriting() {
            writePaused = false;
            if (!other.lost && aToB == null) { // the pumps read on the zero-copy path
                other.t.resumeReading();
            }
        }

        @Override
        public void connectionLost(Throwable why) {
            sideLost(this, why);
        }

        @Override
        public String toString() {
            return "Relay.Side[" + t + "]";
        }
    }
}
