package io.weft.net;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.TimerHandle;
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
 * handshake) it writes to the other side itself before or after {@code start}; they are not
 * counted. Reading is resumed on both sides (a caller typically paused the client while it
 * connected upstream).
 *
 * <p>This is the copying path: each read lands in the loop's read buffer and is written on at
 * once, sent straight to the socket when nothing is queued.
 */
public final class Relay {
    /**
     * How a relay treats its two sides.
     *
     * @param writeBufferHigh high-water mark applied to both transports, bytes
     * @param writeBufferLow  low-water mark applied to both transports, bytes
     * @param idleTimeout     abort a tunnel with no traffic either way for this long; null: never
     */
    public record Options(int writeBufferHigh, int writeBufferLow, Duration idleTimeout) {
        public Options {
            if (writeBufferLow < 0 || writeBufferLow > writeBufferHigh) {
                throw new IllegalArgumentException("need 0 <= writeBufferLow <= writeBufferHigh, got low "
                        + writeBufferLow + ", high " + writeBufferHigh);
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive or null (none): " + idleTimeout);
            }
        }

        /** 256 KiB high, 64 KiB low, no idle timeout. */
        public static Options defaults() {
            return new Options(256 * 1024, 64 * 1024, null);
        }

        public Options withIdleTimeout(Duration timeout) {
            return new Options(writeBufferHigh, writeBufferLow, timeout);
        }

        public Options withWriteBufferLimits(int high, int low) {
            return new Options(high, low, idleTimeout);
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

    /** Bytes received from {@code a} and written to {@code b} so far. */
    public long bytesAToB() {
        return a.received;
    }

    /** Bytes received from {@code b} and written to {@code a} so far. */
    public long bytesBToA() {
        return b.received;
    }

    /** Bytes both transports hold in their write buffers now. */
    public long bufferedBytes() {
        return a.t.writeBufferSize() + b.t.writeBufferSize();
    }

    /** The most {@link #bufferedBytes()} ever was, sampled after every write. */
    public long peakBufferedBytes() {
        return peakBuffered;
    }

    /** Whether either side's reading is paused now for backpressure. */
    public boolean isThrottled() {
        return a.writePaused || b.writePaused;
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

    private void sideLost(Side s, Throwable why) {
        s.lost = true;
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
            long now = a.t.writeBufferSize() + b.t.writeBufferSize();
            if (now > peakBuffered) {
                peakBuffered = now;
            }
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
            if (!other.lost) {
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
