package io.weft.net;

import java.time.Duration;
import java.util.Objects;

/**
 * How a server listens and treats its connections. Build with {@link #builder()}.
 *
 * @param backlog          the listen queue length
 * @param reuseAddress     SO_REUSEADDR: rebind a port with connections in TIME_WAIT
 * @param reusePort        SO_REUSEPORT: several sockets (loops, processes) share the port
 * @param maxConnections   accept no more than this many at once; 0 means no limit. Beyond it the
 *                         server stops accepting (peers wait in the backlog) until one closes
 * @param idleTimeout      close a connection with no traffic either way for this long; null: never
 * @param readTimeout      close a reading connection that receives nothing for this long; null: never
 * @param writeTimeout     close a connection whose buffered output makes no progress for this long; null: never
 * @param writeBufferHigh  each connection's high-water mark, bytes
 * @param writeBufferLow   each connection's low-water mark, bytes
 * @param maxBufferedBytes cap on output buffered across all connections; 0 means no cap
 * @param overflowPolicy   whom to drop when {@code maxBufferedBytes} is exceeded
 * @param noDelay          TCP_NODELAY on accepted connections (on by default: protocols here write whole messages)
 * @param tls              TLS for every accepted connection, or null for plain
 */
public record ServerOptions(
        int backlog,
        boolean reuseAddress,
        boolean reusePort,
        int maxConnections,
        Duration idleTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        int writeBufferHigh,
        int writeBufferLow,
        long maxBufferedBytes,
        OverflowPolicy overflowPolicy,
        boolean noDelay,
        TlsOptions tls) {

    public ServerOptions {
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        if (maxConnections < 0 || maxBufferedBytes < 0) {
            throw new IllegalArgumentException("limits must be 0 (none) or positive");
        }
        if (writeBufferLow < 0 || writeBufferLow > writeBufferHigh) {
            throw new IllegalArgumentException("need 0 <= writeBufferLow <= writeBufferHigh, got low "
                    + writeBufferLow + ", high " + writeBufferHigh);
        }
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(writeTimeout, "writeTimeout");
    }

    private static void requirePositive(Duration d, String name) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(name + " must be positive or null (none): " + d);
        }
    }

    public static ServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .backlog(backlog).reuseAddress(reuseAddress).reusePort(reusePort).maxConnections(maxConnections)
                .idleTimeout(idleTimeout).readTimeout(readTimeout).writeTimeout(writeTimeout)
                .writeBufferLimits(writeBufferHigh, writeBufferLow)
                .maxBufferedBytes(maxBufferedBytes, overflowPolicy).noDelay(noDelay).tls(tls);
    }

    public static final class Builder {
        private int backlog = 1024;
        private boolean reuseAddress = true;
        private boolean reusePort;
        private int maxConnections;
        private Duration idleTimeout;
        private Duration readTimeout;
        private Duration writeTimeout;
        private int writeBufferHigh = 64 * 1024;
        private int writeBufferLow = 16 * 1024;
        private long maxBufferedBytes;
        private OverflowPolicy overflowPolicy = OverflowPolicy.DROP_LARGEST;
        private boolean noDelay = true;
        private TlsOptions tls;

        private Builder() {
        }

        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        public Builder reusePort(boolean on) {
            this.reusePort = on;
            return this;
        }

        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = timeout;
            return this;
        }

        public Builder writeBufferLimits(int high, int low) {
            this.writeBufferHigh = high;
            this.writeBufferLow = low;
            return this;
        }

        public Builder maxBufferedBytes(long max, OverflowPolicy policy) {
            this.maxBufferedBytes = max;
            this.overflowPolicy = policy;
            return this;
        }

        public Builder noDelay(boolean on) {
            this.noDelay = on;
            return this;
        }

        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(backlog, reuseAddress, reusePort, maxConnections, idleTimeout, readTimeout,
                    writeTimeout, writeBufferHigh, writeBufferLow, maxBufferedBytes, overflowPolicy, noDelay, tls);
        }
    }
}
