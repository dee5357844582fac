package io.weft.bench.macro.server;

import io.weft.loop.EventLoop;
import java.time.Duration;

/**
 * Loop lag, for the soak: a timer every {@value #PERIOD_MS} ms on each loop it watches, and how
 * late it fired (the loop's clock when the callback ran, minus when it was due). Lateness is a
 * loop busy with other callbacks or I/O, or a GC pause. {@link #takeLine()} gives the p99 and the
 * maximum since the last call, and starts a new window. Timers on the loop thread; {@code
 * takeLine} from the control thread (the two meet under this object's lock, 100 times a second).
 */
final class LagProbe {
    static final int PERIOD_MS = 10;
    private static final long PERIOD_NS = PERIOD_MS * 1_000_000L;
    /** Buckets of 100 us up to 1 s; the last takes everything beyond. */
    private final long[] buckets = new long[10_001];
    private long count;
    private long maxNs;

    /** Watches {@code loop} from now on (call from any thread). */
    void watch(EventLoop loop) {
        loop.execute(() -> tick(loop, loop.time() + PERIOD_NS));
    }

    private void tick(EventLoop loop, long due) {
        loop.callLater(Duration.ofNanos(Math.max(0, due - loop.time())), () -> {
            long late = Math.max(0, loop.time() - due);
            record(late);
            tick(loop, loop.time() + PERIOD_NS);
        });
    }

    private synchronized void record(long lateNs) {
        buckets[(int) Math.min(buckets.length - 1, lateNs / 100_000)]++;
        count++;
        maxNs = Math.max(maxNs, lateNs);
    }

    /** {@code LAG p99_us=... max_us=... samples=...} for the window since the last call. */
    synchronized String takeLine() {
        long target = (long) Math.ceil(count * 0.99);
        long seen = 0;
        int p99 = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= target && count > 0) {
                p99 = i;
                break;
            }
        }
        String line = String.format(java.util.Locale.ROOT, "LAG p99_us=%d max_us=%d samples=%d",
                count == 0 ? 0 : (p99 + 1) * 100, maxNs / 1000, count);
        java.util.Arrays.fill(buckets, 0);
        count = 0;
        maxNs = 0;
        return line;
    }
}
