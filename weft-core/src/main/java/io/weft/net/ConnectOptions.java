package io.weft.net;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a client connection is made. Build with {@link #builder()}.
 *
 * @param connectTimeout          give up (with {@link java.util.concurrent.TimeoutException})
 *                                if no attempt has connected within this; null: never
 * @param attemptDelay            RFC 8305 "Connection Attempt Delay": when a name has several
 *                                addresses, start the next attempt if the current one has not
 *                                connected within this (default 250 ms)
 * @param localAddress            bind to this before connecting, or null
 * @param noDelay                 TCP_NODELAY
 * @param writeBufferHigh         high-water mark, bytes
 * @param writeBufferLow          low-water mark, bytes
 * @param tls                     TLS options, or null for plain
 */
public record ConnectOptions(
        Duration connectTimeout,
        Duration attemptDelay,
        SocketAddress localAddress,
        boolean noDelay,
        int writeBufferHigh,
        int writeBufferLow,
        TlsOptions tls) {

    public ConnectOptions {
        Objects.requireNonNull(attemptDelay, "attemptDelay");
        if (writeBufferLow < 0 || writeBufferLow > writeBufferHigh) {
            throw new IllegalArgumentException("need 0 <= writeBufferLow <= writeBufferHigh");
        }
    }

    public static ConnectOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration attemptDelay = Duration.ofMillis(250);
        private SocketAddress localAddress;
        private boolean noDelay = true;
        private int writeBufferHigh = 64 * 1024;
        private int writeBufferLow = 16 * 1024;
        private TlsOptions tls;

        private Builder() {
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder attemptDelay(Duration delay) {
            this.attemptDelay = delay;
            return this;
        }

        public Builder localAddress(SocketAddress address) {
            this.localAddress = address;
            return this;
        }

        public Builder noDelay(boolean on) {
            this.noDelay = on;
            return this;
        }

        public Builder writeBufferLimits(int high, int low) {
            this.writeBufferHigh = high;
            this.writeBufferLow = low;
            return this;
        }

        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        public ConnectOptions build() {
            return new ConnectOptions(connectTimeout, attemptDelay, localAddress, noDelay, writeBufferHigh,
                    writeBufferLow, tls);
        }
    }
}
