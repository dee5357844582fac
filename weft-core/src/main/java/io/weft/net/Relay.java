package io.weft.net;

import io.weft.future.Promise;
import io.weft.internal.io.CompletionSplicer;
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
 *       shows it. On io_uring "one read" is what the socket's multishot receive had brought when
 *       the pause took effect, which the backend holds and delivers first on resume (or hands
 *       over at the switch to splicing); each arming of that receive takes 64 KiB at most, so this
 *       too is 64 KiB per side.</li>
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
 *   <li><b>Zero copy</b> ({@link #isZeroCopy()}, {@link #bytesSpliced()}), where both transports are
 *       plain TCP or Unix stream sockets on native epoll or io_uring (not TLS, not NIO or poll),
 *       neither has timeouts of its own, and {@link Options#zeroCopy()} is on (the system
 *       property {@code weft.relay.splice=false} turns it off for every relay, for measuring): a
 *       direction switches to it once it carries bulk ({@value #SPLICE_AFTER} bytes one way in a
 *       row; small messages cost less copied; on epoll it goes back to copying after a few small
 *       reads in a row, {@code SplicePump.BACK_AFTER}, and may switch again) and then moves its bytes from the socket into a
 *       kernel pipe and from the pipe to the other socket, never through this process:
 *       {@code splice(2)} on readiness ({@link SplicePump}) on epoll, the ring's splice in linked
 *       rounds ({@link RingSplicePump}) on io_uring. The rules above hold with the pipe in the
 *       place of the write buffer: the direction reads only into the pipe's free room and waits
 *       for the other side while the pipe holds bytes, so the most it holds is one pipe (about
 *       {@link Options#writeBufferHigh()}, at least 64 KiB, at most 1 MiB, as the kernel allows;
 *       counted in {@link #bufferedBytes()}, and in a server's outbound cap as the other side's);
 *       the pipe is emptied only behind what the other side's write buffer held when it
 *       switched; a FIN is forwarded once the pipe is empty.</li>
 *   <li><b>Copying</b> everywhere else, and on the zero-copy path for a direction until it carries
 *       bulk: each read lands in the loop's read buffer and is written
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

    /**
     * This many bytes received one way in a row (no byte the other way meanwhile) say the
     * direction carries bulk: it switches to splicing. Small messages stay on the copying path,
     * where one recv and one send per message cost less than splice's in, out and re-arming
     * (measured on the ping-pong benchmark: about 1.3x the CPU per round trip when every direction
     * spliced). "In a row" rather than "in one read": on epoll a bulk read fills the loop's 64 KiB
     * read buffer, so one read says it, but io_uring receives into 8 KiB provided buffers, and
     * no single read there reaches this.
     */
    static final int SPLICE_AFTER = 32 * 1024;

    private final EventLoop loop;
    private final Side a;
    private final Side b;
    private final Options options;
    private final Promise<Void> closed;
    private Throwable cause;
    private long lastActivity;
    private long peakBuffered;
    private TimerHandle idleTimer;
    /** Whether a direction may switch to splicing (both sides can, and it is not turned off). */
    private boolean spliceable;

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
        spliceable = canSplice();
        if (!a.other.writePaused) {
            a.t.resumeReading();
        }
        if (!b.other.writePaused) {
            b.t.resumeReading();
        }
        if (options.idleTimeout() != null) {
            scheduleIdleCheck(lastActivity + options.idleTimeout().toNanos());
        }
    }

    /** Whether both sides are plain sockets whose backend splices (in one shape), and nothing turned it off. */
    private boolean canSplice() {
        return options.zeroCopy() && !"false".equals(System.getProperty("weft.relay.splice"))
                && a.t instanceof StreamTransport sa && b.t instanceof StreamTransport sb
                && (sa.splicer() != null && sb.splicer() != null
                        || sa.completionSplicer() != null && sb.completionSplicer() != null);
    }

    /**
     * Switches the direction from {@code s} to splicing, after a read of bulk size: its pipe is
     * opened now (none is, for a tunnel that never carries bulk), the transport's reading stops
     * and the pump takes over on the next callback, behind what the copying path already queued.
     * Without a descriptor for the pipe the direction goes on copying.
     */
    private void startSplicing(Side s) {
        StreamTransport src = (StreamTransport) s.t;
        if (s.pump != null) { // back to bulk after an interactive spell: the same pump and pipe
            s.splicing = true;
            src.pauseReading();
            loop.callSoon(s.pump::start);
            return;
        }
        StreamTransport dst = (StreamTransport) s.other.t;
        int size = pipeSize(options.writeBufferHigh());
        try {
            Splicer in = src.splicer();
            Splicer out = dst.splicer();
            CompletionSplicer ringIn = src.completionSplicer();
            CompletionSplicer ringOut = dst.completionSplicer();
            if (in != null && out != null) {
                s.pump = SplicePump.open(this, src, in, dst, out, size);
            } else if (ringIn != null && ringOut != null) {
                s.pump = RingSplicePump.open(this, src, ringIn, dst, ringOut, size);
            } else {
                s.spliceRefused = true; // closing meanwhile
                return;
            }
        } catch (IOException e) {
            s.spliceRefused = true;
            return;
        }
        s.splicing = true;
        src.pauseReading();
        ZeroCopyPump p = s.pump;
        loop.callSoon(p::start);
    }

    /**
     * For {@link SplicePump}: its direction turned interactive (small reads, the pipe empty), so
     * it goes back to copying, where one recv and one send per message cost less. The pump waits
     * on nothing now and keeps its (empty) pipe for the next switch; the direction's transport
     * reads again unless the other side's buffer is above its mark. It splices again after
     * {@value #SPLICE_AFTER} bytes one way in a row, as before its first switch.
     */
    void backToCopying(ZeroCopyPump p) {
        Side s = a.pump == p ? a : b;
        if (!s.splicing || s.lost || s.t.isClosing()) {
            return;
        }
        s.splicing = false;
        s.run = 0;
        if (!s.other.writePaused) {
            s.t.resumeReading();
        }
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

    /** Whether either direction has ever switched to splice(2) between the sockets (it may copy again now); see the class comment. */
    public boolean isZeroCopy() {
        return a.pump != null || b.pump != null;
    }

    /** Bytes received from {@code a} and written to {@code b} so far. */
    public long bytesAToB() {
        return a.received + (a.pump != null ? a.pump.moved() : 0);
    }

    /** Bytes received from {@code b} and written to {@code a} so far. */
    public long bytesBToA() {
        return b.received + (b.pump != null ? b.pump.moved() : 0);
    }

    /** Of the bytes moved either way, those that went socket to pipe to socket, never through this process. */
    public long bytesSpliced() {
        return (a.pump != null ? a.pump.spliced() : 0) + (b.pump != null ? b.pump.spliced() : 0);
    }

    /** Bytes the relay holds now: both transports' write buffers, and on the zero-copy path its pipes. */
    public long bufferedBytes() {
        return a.t.writeBufferSize() + b.t.writeBufferSize() + (a.pump != null ? a.pump.level() : 0)
                + (b.pump != null ? b.pump.level() : 0);
    }

    /** The most {@link #bufferedBytes()} ever was, sampled after every write. */
    public long peakBufferedBytes() {
        return peakBuffered;
    }

    /** Whether either side's reading is paused now for backpressure (on the zero-copy path: its pipe waits on the other side). */
    public boolean isThrottled() {
        return a.writePaused || b.writePaused || a.pump != null && a.pump.throttled()
                || b.pump != null && b.pump.throttled();
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

    /** For the pumps: bytes moved, traffic for the idle timeout. */
    void spliced() {
        lastActivity = loop.time();
    }

    /** For the pumps: a pipe filled, for the peak. */
    void noteBuffered() {
        long now = bufferedBytes();
        if (now > peakBuffered) {
            peakBuffered = now;
        }
    }

    private void sideLost(Side s, Throwable why) {
        s.lost = true;
        // The clean ends drained their pipes first; on the others nothing is worth sending.
        if (a.pump != null) {
            a.pump.stop();
        }
        if (b.pump != null) {
            b.pump.stop();
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
        /** The zero-copy pump from this side to {@code other}, from the first switch on; null before. */
        ZeroCopyPump pump;
        /** Whether {@link #pump} moves this direction now (else this side's transport reads, copying). */
        boolean splicing;
        /** Bytes received from this side since {@code other} last received any (see {@link #SPLICE_AFTER}). */
        long run;
        /** A switch to splicing failed (no descriptor): copy for good. */
        boolean spliceRefused;
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
            run += n;
            other.run = 0;
            lastActivity = loop.time();
            if (other.lost || other.t.isClosing()) {
                data.position(data.limit()); // the other side is going: nothing to deliver to
                return;
            }
            other.t.write(data);
            other.noteBuffered();
            if (run >= SPLICE_AFTER && spliceable && !splicing && !spliceRefused && !t.isClosing()) {
                startSplicing(this);
            }
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
            if (!other.lost && !other.splicing) { // a pump reads a spliced direction's source
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
