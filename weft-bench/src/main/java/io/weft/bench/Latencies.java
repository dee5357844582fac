package io.weft.bench;

import java.util.Arrays;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Every round trip's time, recorded on the loop that completes it, during the measurement
 * iterations; printed as percentiles (a line starting with {@value #TAG}) at the end of a
 * trial. A ping-pong benchmark runs a thousand round trips per invocation, so JMH's own score
 * is their mean; on a shared machine that mean is pulled up by scheduling stalls, and the
 * median is the figure that repeats from run to run.
 *
 * <p>Threading: {@link #record} on one loop thread; {@link #startIteration} and
 * {@link #report} on the benchmark thread while no invocation runs (the hand-off into the loop
 * orders them).
 */
final class Latencies {
    static final String TAG = "round-trip:";
    private static final int CAPACITY = 1 << 21;

    private final long[] nanos = new long[CAPACITY];
    private int n;
    private boolean recording;

    void startIteration(IterationParams iteration) {
        recording = iteration.getType() == IterationType.MEASUREMENT;
    }

    /** Loop thread. */
    void record(long roundTripNanos) {
        if (recording && n < CAPACITY) {
            nanos[n++] = roundTripNanos;
        }
    }

    void report(String what) {
        if (n == 0) {
            return;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        System.out.printf("%s %s us: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f (%d round trips)%n",
                TAG, what, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), at(sorted, 0.999),
                sorted[n - 1] / 1e3, n);
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e3;
    }
}
