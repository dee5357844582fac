package io.weft.testkit.sim;

import java.util.SplittableRandom;

/**
 * The one random source of a simulation: every choice (delays, buffer sizes, how much a read
 * or write takes, which fault strikes, which loop runs next) is drawn from it, in the order the
 * simulation makes them, so one seed replays one run. {@link SplittableRandom}'s algorithm is
 * specified, so a seed means the same on every JDK. Simulation's thread only.
 */
final class SimRandom {
    private final SplittableRandom random;

    SimRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** True with probability {@code p}. Draws nothing when p is 0 or 1, so a fault turned off leaves the run unchanged. */
    boolean chance(double p) {
        if (p <= 0) {
            return false;
        }
        if (p >= 1) {
            return true;
        }
        return random.nextDouble() < p;
    }

    /** A long in [lo, hi]. */
    long between(long lo, long hi) {
        return lo >= hi ? lo : random.nextLong(lo, hi + 1);
    }

    /** An int in [0, n). */
    int below(int n) {
        return n <= 1 ? 0 : random.nextInt(n);
    }
}
