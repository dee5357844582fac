package io.weft.testkit.faults;

import io.weft.testkit.faults.Toxics.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Forwards one direction of one {@link Link}, applying its {@link Toxics} to each chunk: a
 * blocking read from one socket, the faults, a blocking write to the other. Blocking both ways
 * is the point: while the pump waits (latency, bandwidth, a slow reader on the far side) it does
 * not read, so the sender meets real TCP back-pressure. Runs on its own thread.
 */
final class Pump implements Runnable {
    /** The most read, and so delayed or forwarded, at once. */
    static final int CHUNK = 16 * 1024;
    /** Bandwidth is metered in slices of this fraction of a second (20 ms). */
    private static final int SLICES_PER_SECOND = 50;

    private final Link link;
    private final Socket from;
    private final Socket to;
    private final Toxics toxics;
    private final SplittableRandom random;
    private long forwarded;
    /** When the next slice may go, under a bandwidth limit (System.nanoTime). */
    private long nextSlice = System.nanoTime();

    Pump(Link link, Socket from, Socket to, Toxics toxics, SplittableRandom random) {
        this.link = link;
        this.from = from;
        this.to = to;
        this.toxics = toxics;
        this.random = random;
    }

    @Override
    public void run() {
        try {
            pump();
        } catch (IOException e) {
            if (link.isCutSender(to)) {
                drain(); // the other way was truncated: swallow the rest until the far side closes
            } else {
                link.broken(); // a reset or a failure on one side: the other side hears of it as a reset
            }
        } catch (InterruptedException e) {
            // the proxy is closing; it closes the sockets
        } finally {
            link.pumpDone();
        }
    }

    private void pump() throws IOException, InterruptedException {
        byte[] buf = new byte[CHUNK];
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                sleep(toxics.settings().slowClose());
                link.shutdownOutput(to);
                return;
            }
            Settings s = toxics.settings();
            if (s.blackhole()) {
                toxics.dropped(n);
                continue;
            }
            sleep(delay(s));
            for (int off = 0; off < n; ) {
                s = toxics.settings();
                if (s.blackhole()) {
                    toxics.dropped(n - off);
                    break; // turned on meanwhile: the rest of the chunk goes too
                }
                int len = n - off;
                if (s.bytesPerSecond() > 0) {
                    len = (int) Math.min(len, Math.max(1, s.bytesPerSecond() / SLICES_PER_SECOND));
                }
                boolean reset = s.resetAfter() >= 0 && (s.truncateAfter() < 0 || s.resetAfter() <= s.truncateAfter());
                long limit = reset ? s.resetAfter() : s.truncateAfter();
                if (limit >= 0 && limit - forwarded <= len) {
                    int last = (int) Math.max(0, limit - forwarded);
                    throttle(s, last);
                    out.write(buf, off, last);
                    forwarded += last;
                    toxics.forwarded(last);
                    toxics.dropped(n - off - last);
                    if (reset) {
                        link.reset();
                    } else {
                        link.truncate(from, to);
                    }
                    return;
                }
                throttle(s, len);
                out.write(buf, off, len);
                forwarded += len;
                toxics.forwarded(len);
                off += len;
            }
        }
    }

    /** Reads and drops until EOF or an error. */
    private void drain() {
        byte[] buf = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                toxics.dropped(n);
            }
        } catch (IOException e) {
            // the far side is gone, or the proxy closed the socket: drained either way
        }
    }

    private Duration delay(Settings s) {
        long jitter = s.jitter().toNanos();
        long latency = s.latency().toNanos();
        return Duration.ofNanos(jitter == 0 ? latency : latency + random.nextLong(-jitter, jitter + 1));
    }

    /** Waits until {@code len} more bytes fit the bandwidth limit. */
    private void throttle(Settings s, int len) throws InterruptedException {
        if (s.bytesPerSecond() <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (nextSlice - now > 0) {
            sleep(Duration.ofNanos(nextSlice - now));
            now = System.nanoTime();
        }
        nextSlice = Math.max(now, nextSlice) + len * 1_000_000_000L / s.bytesPerSecond();
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (d.isPositive()) {
            Thread.sleep(d);
        }
    }
}
