package io.weft.testkit.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What the simulated network does to traffic, each choice drawn from the simulation's seeded
 * random source. Build with {@link #builder()}, or start from {@link #none()}, {@link #benign()}
 * (the default: delays, partial reads and writes, small buffers; nothing fails) or
 * {@link #hostile()} (also refused and hanging connects and resets).
 *
 * @param minLatency   the shortest one-way delay of a segment
 * @param maxLatency   the longest (each segment draws one in between; order is kept, as TCP keeps it)
 * @param minBuffer    the smallest room, in bytes, one direction of a connection has for bytes
 *                     sent and not yet read (socket buffers of both ends together)
 * @param maxBuffer    the largest; each direction of each connection draws one
 * @param partialWrite the chance that a write takes fewer bytes than there is room for
 * @param splitRead    the chance that a read returns fewer bytes than have arrived
 * @param refuse       the chance that a connect is refused (RST) though something listens
 * @param hang         the chance that a connect's SYN is lost for good: the connect hangs until
 *                     the caller's timeout, or fails as the kernel's would (ETIMEDOUT) after
 *                     {@link SimNetwork#SYN_TIMEOUT}
 * @param reset        the chance that an established connection is reset (RST both ways, as a
 *                     middlebox or a crashed peer would) some time within {@code resetWithin}
 * @param resetWithin  when such a reset strikes, drawn from zero to this after the connect
 * @param datagramLoss the chance that a UDP datagram is lost (each draws its own delay, so
 *                     datagrams also arrive out of order)
 */
public record Faults(Duration minLatency, Duration maxLatency, int minBuffer, int maxBuffer,
                     double partialWrite, double splitRead, double refuse, double hang, double reset,
                     Duration resetWithin, double datagramLoss) {

    public Faults {
        Objects.requireNonNull(minLatency, "minLatency");
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(resetWithin, "resetWithin");
        if (minLatency.isNegative() || maxLatency.compareTo(minLatency) < 0) {
            throw new IllegalArgumentException("need 0 <= minLatency <= maxLatency, got " + minLatency + ", " + maxLatency);
        }
        if (minBuffer < 1 || maxBuffer < minBuffer) {
            throw new IllegalArgumentException("need 1 <= minBuffer <= maxBuffer, got " + minBuffer + ", " + maxBuffer);
        }
        for (double p : new double[] {partialWrite, splitRead, refuse, hang, reset, datagramLoss}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("a chance is between 0 and 1, not " + p);
            }
        }
    }

    /** A perfect network: 10 µs each way, 256 KiB buffers, every read and write whole, nothing fails. */
    public static Faults none() {
        return new Faults(Duration.ofNanos(10_000), Duration.ofNanos(10_000), 256 << 10, 256 << 10, 0, 0, 0, 0, 0,
                Duration.ZERO, 0);
    }

    /**
     * Delays of 10 µs to 5 ms, buffers of 512 bytes to 128 KiB, a third of writes partial and
     * half of reads split; no failures. What a correct program must cope with on any network.
     */
    public static Faults benign() {
        return new Faults(Duration.ofNanos(10_000), Duration.ofMillis(5), 512, 128 << 10, 0.3, 0.5, 0, 0, 0,
                Duration.ZERO, 0);
    }

    /**
     * {@link #benign()} with 5% of connects refused, 2% hanging, 5% of connections reset within
     * 2 s, and 5% of datagrams lost.
     */
    public static Faults hostile() {
        return benign().toBuilder().refuse(0.05).hang(0.02).reset(0.05, Duration.ofSeconds(2)).datagramLoss(0.05).build();
    }

    public static Builder builder() {
        return none().toBuilder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.minLatency = minLatency;
        b.maxLatency = maxLatency;
        b.minBuffer = minBuffer;
        b.maxBuffer = maxBuffer;
        b.partialWrite = partialWrite;
        b.splitRead = splitRead;
        b.refuse = refuse;
        b.hang = hang;
        b.reset = reset;
        b.resetWithin = resetWithin;
        b.datagramLoss = datagramLoss;
        return b;
    }

    /** Builds {@link Faults}. Not thread-safe. */
    public static final class Builder {
        private Duration minLatency;
        private Duration maxLatency;
        private int minBuffer;
        private int maxBuffer;
        private double partialWrite;
        private double splitRead;
        private double refuse;
        private double hang;
        private double reset;
        private Duration resetWithin;
        private double datagramLoss;

        private Builder() {
        }

        public Builder latency(Duration min, Duration max) {
            this.minLatency = min;
            this.maxLatency = max;
            return this;
        }

        public Builder buffers(int min, int max) {
            this.minBuffer = min;
            this.maxBuffer = max;
            return this;
        }

        public Builder partialWrite(double chance) {
            this.partialWrite = chance;
            return this;
        }

        public Builder splitRead(double chance) {
            this.splitRead = chance;
            return this;
        }

        public Builder refuse(double chance) {
            this.refuse = chance;
            return this;
        }

        public Builder hang(double chance) {
            this.hang = chance;
            return this;
        }

        public Builder reset(double chance, Duration within) {
            this.reset = chance;
            this.resetWithin = within;
            return this;
        }

        public Builder datagramLoss(double chance) {
            this.datagramLoss = chance;
            return this;
        }

        public Faults build() {
            return new Faults(minLatency, maxLatency, minBuffer, maxBuffer, partialWrite, splitRead, refuse, hang,
                    reset, resetWithin, datagramLoss);
        }
    }
}
