package io.weft.testkit.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What a simulated host's disk does to file operations ({@link SimFileSystem}), each choice
 * drawn from the simulation's seeded random source.
 *
 * @param minLatency the shortest time an operation (an open, a read, one piece of a write, a
 *                   stat) takes before its promise settles
 * @param maxLatency the longest (each operation draws one in between, so operations in flight
 *                   together finish in another order than they started)
 * @param shortRead  the chance that a read returns fewer bytes than it asked for and the file has
 * @param shortWrite the chance that one write call takes fewer bytes than it was given (the
 *                   backend writes the rest in further calls, as the real ones loop)
 * @param minSync    the shortest {@code fsync}/{@code fdatasync}
 * @param maxSync    the longest
 */
public record DiskFaults(Duration minLatency, Duration maxLatency, double shortRead, double shortWrite,
                         Duration minSync, Duration maxSync) {

    public DiskFaults {
        Objects.requireNonNull(minLatency, "minLatency");
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(minSync, "minSync");
        Objects.requireNonNull(maxSync, "maxSync");
        if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
            throw new IllegalArgumentException("need 0 <= minLatency <= maxLatency, got " + minLatency + ", " + maxLatency);
        }
        if (minSync.isNegative() || maxSync.compareTo(minSync) < 0) {
            throw new IllegalArgumentException("need 0 <= minSync <= maxSync, got " + minSync + ", " + maxSync);
        }
        for (double p : new double[] {shortRead, shortWrite}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("a chance is between 0 and 1, not " + p);
            }
        }
    }

    /** A perfect disk: 10 µs per operation and per sync, every read and write whole. */
    public static DiskFaults none() {
        Duration t = Duration.ofNanos(10_000);
        return new DiskFaults(t, t, 0, 0, t, t);
    }

    /**
     * 20 µs to 2 ms per operation, a third of reads and writes short, syncs of 1 to 50 ms; nothing
     * fails but what the capacity says. What correct code must cope with on any disk (the default).
     */
    public static DiskFaults benign() {
        return new DiskFaults(Duration.ofNanos(20_000), Duration.ofMillis(2), 0.3, 0.3, Duration.ofMillis(1),
                Duration.ofMillis(50));
    }

    public DiskFaults latency(Duration min, Duration max) {
        return new DiskFaults(min, max, shortRead, shortWrite, minSync, maxSync);
    }

    public DiskFaults shortReads(double chance) {
        return new DiskFaults(minLatency, maxLatency, chance, shortWrite, minSync, maxSync);
    }

    public DiskFaults shortWrites(double chance) {
        return new DiskFaults(minLatency, maxLatency, shortRead, chance, minSync, maxSync);
    }

    /** How long {@code fsync}/{@code fdatasync} take: a slow disk's sync is hundreds of milliseconds. */
    public DiskFaults sync(Duration min, Duration max) {
        return new DiskFaults(minLatency, maxLatency, shortRead, shortWrite, min, max);
    }
}
