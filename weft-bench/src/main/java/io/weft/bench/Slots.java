package io.weft.bench;

/**
 * Picks which pending timer a churn operation resets: uniformly among {@code n} slots, from a
 * fixed seed, so that every timer implementation sees the same sequence. (An idle-timeout
 * reset hits whichever connection just had traffic, which is anywhere in the queue.)
 *
 * <p>Xorshift64 and a multiply-shift range reduction: a few cycles, no allocation, and no
 * shared state between threads. Not thread-safe; one instance per thread.
 */
final class Slots {
    private final long n;
    private long x = 0x9E3779B97F4A7C15L;

    Slots(int n) {
        this.n = n;
    }

    int next() {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return (int) (((x >>> 32) * n) >>> 32);
    }

    /** A number in {@code [0, bound)} from the same sequence, for spreading initial deadlines. */
    long nextBelow(long bound) {
        next();
        return Math.floorMod(x, bound);
    }
}
