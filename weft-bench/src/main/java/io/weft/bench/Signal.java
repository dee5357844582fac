package io.weft.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A completion flag that a loop thread raises and the benchmark thread awaits, reused across
 * invocations: {@link #reset()}, hand work to the loop, {@link #await()}.
 *
 * <p>Threading: one waiting thread at a time; {@link #raise()} from any thread.
 *
 * <p>A spinning waiter measures the hand-off alone, at the price of a busy core (on a two-core
 * machine, the only other core). A parking waiter adds one {@code unpark} (a futex wake) to
 * every round trip, as a blocked caller would see; it is also what the batch benchmarks use,
 * so that the waiter does not compete with the loop for a core.
 */
final class Signal {
    private final boolean spin;
    /** Raises this signal; allocated once so that the hand-off allocates nothing here. */
    final Runnable raiser = this::raise;
    private volatile boolean raised;
    private volatile Thread waiter;

    private Signal(boolean spin) {
        this.spin = spin;
    }

    static Signal spinning() {
        return new Signal(true);
    }

    static Signal parking() {
        return new Signal(false);
    }

    /** {@code "spin"} or {@code "park"}, as the benchmarks' {@code waiting} parameter says. */
    static Signal of(String waiting) {
        return switch (waiting) {
            case "spin" -> spinning();
            case "park" -> parking();
            default -> throw new IllegalArgumentException("waiting must be spin or park, not " + waiting);
        };
    }

    void reset() {
        raised = false;
    }

    void raise() {
        raised = true;
        if (!spin) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    void await() {
        if (spin) {
            while (!raised) {
                Thread.onSpinWait();
            }
            return;
        }
        // Publish the waiter before reading the flag: a raise either sees the waiter and
        // unparks it, or happened before the read below and the loop never parks.
        waiter = Thread.currentThread();
        while (!raised) {
            LockSupport.park(this);
        }
    }
}
