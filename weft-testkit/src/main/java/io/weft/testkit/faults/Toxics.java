package io.weft.testkit.faults;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link FaultProxy} does to the bytes going one way: its "toxics", in toxiproxy's word.
 * Every connection through the proxy reads the current settings for each chunk it forwards, so
 * a change applies at once, to connections already open too. All off at first; each setter
 * returns this, for chaining. Any thread.
 *
 * <p>The faults, in the order a chunk meets them:
 * <ul>
 *   <li><b>blackhole</b>: read and dropped; nothing is forwarded (the connection stays open).</li>
 *   <li><b>latency</b> ± <b>jitter</b>: each chunk read is held this long before it is
 *       forwarded, jitter drawn uniformly from {@code [-jitter, +jitter]} by the proxy's seeded
 *       random source (each connection gets its own sequence from the seed). The proxy forwards
 *       one chunk at a time per direction, so a sender that never pauses also sees its
 *       throughput fall to about a chunk (up to 16 KiB) per latency.</li>
 *   <li><b>bandwidth</b>: at most this many bytes per second on each connection, forwarded in
 *       slices of about 20 ms worth; the proxy then reads only as fast as it forwards, so the
 *       sender meets TCP back-pressure.</li>
 *   <li><b>truncate after</b> N bytes: once a connection has forwarded N bytes this way, the
 *       receiver gets FIN after exactly those N bytes, as if the sender had stopped there, and
 *       the sender's connection is closed (it may see a reset if it is still sending). What the
 *       receiver sends after that is dropped until it closes.</li>
 *   <li><b>reset after</b> N bytes: once a connection has forwarded N bytes this way, both of
 *       its sockets are closed with RST ({@code SO_LINGER} 0). Bytes still in the proxy's send
 *       queue are dropped by the kernel then, so at most N arrive. If both limits are set, the
 *       smaller wins; a tie resets.</li>
 *   <li><b>slow close</b>: when the sender's FIN arrives, wait this long before passing it on
 *       (the other direction goes on meanwhile).</li>
 * </ul>
 * A limit set below what a connection already forwarded takes effect on its next chunk.
 */
public final class Toxics {
    /** One consistent set of settings, as a pump reads them. */
    record Settings(boolean blackhole, Duration latency, Duration jitter, long bytesPerSecond, long truncateAfter,
            long resetAfter, Duration slowClose) {
        static final Settings NONE = new Settings(false, Duration.ZERO, Duration.ZERO, 0, -1, -1, Duration.ZERO);
    }

    private volatile Settings settings = Settings.NONE;
    private final String name;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    Toxics(String name) {
        this.name = name;
    }

    Settings settings() {
        return settings;
    }

    /** Bytes forwarded this way so far, over all connections. */
    public long bytesForwarded() {
        return forwarded.get();
    }

    /**
     * Bytes read this way and dropped so far, over all connections: swallowed by the blackhole,
     * or read past a truncation or reset.
     */
    public long bytesDropped() {
        return dropped.get();
    }

    void forwarded(long n) {
        forwarded.addAndGet(n);
    }

    void dropped(long n) {
        dropped.addAndGet(n);
    }

    /** Drops everything this way while on. */
    public synchronized Toxics blackhole(boolean on) {
        Settings s = settings;
        settings = new Settings(on, s.latency(), s.jitter(), s.bytesPerSecond(), s.truncateAfter(), s.resetAfter(),
                s.slowClose());
        return this;
    }

    /** Holds each chunk {@code latency} ± {@code jitter} (jitter at most the latency). */
    public synchronized Toxics latency(Duration latency, Duration jitter) {
        requireNonNegative(latency, "latency");
        requireNonNegative(jitter, "jitter");
        if (jitter.compareTo(latency) > 0) {
            throw new IllegalArgumentException("jitter (" + jitter + ") must not exceed the latency (" + latency
                    + "): a chunk cannot arrive before it was sent");
        }
        Settings s = settings;
        settings = new Settings(s.blackhole(), latency, jitter, s.bytesPerSecond(), s.truncateAfter(), s.resetAfter(),
                s.slowClose());
        return this;
    }

    /** At most {@code bytesPerSecond} per connection; 0 for no limit. */
    public synchronized Toxics bandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0: no limit), got " + bytesPerSecond);
        }
        Settings s = settings;
        settings = new Settings(s.blackhole(), s.latency(), s.jitter(), bytesPerSecond, s.truncateAfter(),
                s.resetAfter(), s.slowClose());
        return this;
    }

    /** Closes (FIN) each connection once it forwarded {@code bytes} this way; -1 for never. */
    public synchronized Toxics truncateAfter(long bytes) {
        Settings s = settings;
        settings = new Settings(s.blackhole(), s.latency(), s.jitter(), s.bytesPerSecond(), requireLimit(bytes),
                s.resetAfter(), s.slowClose());
        return this;
    }

    /** Resets (RST) each connection once it forwarded {@code bytes} this way; -1 for never. */
    public synchronized Toxics resetAfter(long bytes) {
        Settings s = settings;
        settings = new Settings(s.blackhole(), s.latency(), s.jitter(), s.bytesPerSecond(), s.truncateAfter(),
                requireLimit(bytes), s.slowClose());
        return this;
    }

    /** Passes the sender's FIN on only after {@code delay}. */
    public synchronized Toxics slowClose(Duration delay) {
        requireNonNegative(delay, "delay");
        Settings s = settings;
        settings = new Settings(s.blackhole(), s.latency(), s.jitter(), s.bytesPerSecond(), s.truncateAfter(),
                s.resetAfter(), delay);
        return this;
    }

    /** Turns every fault off this way. */
    public synchronized Toxics clear() {
        settings = Settings.NONE;
        return this;
    }

    private static void requireNonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
    }

    private static long requireLimit(long bytes) {
        if (bytes < -1) {
            throw new IllegalArgumentException("the byte count must be >= 0, or -1 for no limit; got " + bytes);
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Toxics[" + name + ": " + settings + "]";
    }
}
