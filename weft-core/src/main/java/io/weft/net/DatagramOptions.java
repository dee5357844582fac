package io.weft.net;

/**
 * How a UDP endpoint is set up. Build with {@link #builder()}.
 *
 * @param reuseAddress      SO_REUSEADDR. Off by default: for UDP on Linux it lets another
 *                          socket bind the same address and port and take a share of the
 *                          datagrams, which is seldom what anyone wants
 * @param reusePort         SO_REUSEPORT: several sockets (loops, processes) share the port, the
 *                          kernel spreading datagrams over them
 * @param broadcast         SO_BROADCAST: allow sending to broadcast addresses
 * @param receiveBufferSize SO_RCVBUF in bytes, or 0 for the system default. A larger buffer
 *                          rides out bursts that would otherwise be dropped while the loop is busy
 * @param maxDatagramSize   the largest datagram sent or accepted, bytes (default 65,507, the most
 *                          an IPv4 UDP datagram can carry). Sending a longer one fails at once;
 *                          a longer one arriving is dropped and reported as a
 *                          {@link DatagramTooLargeException}, never delivered cut short. At most 65,535
 * @param writeBufferHigh   the send queue's high-water mark, bytes
 * @param writeBufferLow    the send queue's low-water mark, bytes
 */
public record DatagramOptions(
        boolean reuseAddress,
        boolean reusePort,
        boolean broadcast,
        int receiveBufferSize,
        int maxDatagramSize,
        int writeBufferHigh,
        int writeBufferLow) {

    /** The largest UDP payload over IPv4: 65,535 minus the 20-byte IP and 8-byte UDP headers. */
    public static final int MAX_IPV4_DATAGRAM = 65_507;

    /** The bound on {@link #maxDatagramSize}: no UDP datagram (without IPv6 jumbograms) is longer. */
    public static final int MAX_DATAGRAM_LIMIT = 65_535;

    public DatagramOptions {
        if (receiveBufferSize < 0) {
            throw new IllegalArgumentException("receiveBufferSize must be 0 (system default) or positive: "
                    + receiveBufferSize);
        }
        if (maxDatagramSize < 1 || maxDatagramSize > MAX_DATAGRAM_LIMIT) {
            throw new IllegalArgumentException("maxDatagramSize must be between 1 and " + MAX_DATAGRAM_LIMIT + ": "
                    + maxDatagramSize);
        }
        if (writeBufferLow < 0 || writeBufferLow > writeBufferHigh) {
            throw new IllegalArgumentException("need 0 <= writeBufferLow <= writeBufferHigh, got low "
                    + writeBufferLow + ", high " + writeBufferHigh);
        }
    }

    public static DatagramOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().reuseAddress(reuseAddress).reusePort(reusePort).broadcast(broadcast)
                .receiveBufferSize(receiveBufferSize).maxDatagramSize(maxDatagramSize)
                .writeBufferLimits(writeBufferHigh, writeBufferLow);
    }

    public static final class Builder {
        private boolean reuseAddress;
        private boolean reusePort;
        private boolean broadcast;
        private int receiveBufferSize;
        private int maxDatagramSize = MAX_IPV4_DATAGRAM;
        private int writeBufferHigh = 64 * 1024;
        private int writeBufferLow = 16 * 1024;

        private Builder() {
        }

        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        public Builder broadcast(boolean on) {
            this.broadcast = on;
            return this;
        }

        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        public Builder maxDatagramSize(int bytes) {
            this.maxDatagramSize = bytes;
            return this;
        }

        public Builder writeBufferLimits(int high, int low) {
            this.writeBufferHigh = high;
            this.writeBufferLow = low;
            return this;
        }

        public DatagramOptions build() {
            return new DatagramOptions(reuseAddress, reusePort, broadcast, receiveBufferSize, maxDatagramSize,
                    writeBufferHigh, writeBufferLow);
        }
    }
}
