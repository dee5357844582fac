package io.weft.cli.chat;

import java.time.Duration;

/**
 * What the chat room enforces. Build with {@link #builder()}.
 *
 * @param maxPending  a client whose unsent output passes this many bytes is disconnected: it
 *                    has stopped reading, and waiting for it would hold memory for ever
 * @param maxLine     a line longer than this many bytes (not counting its end) is refused
 * @param idleTimeout a client that sends nothing for this long is disconnected; null: never
 */
public record ChatOptions(long maxPending, int maxLine, Duration idleTimeout) {

    public ChatOptions {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive: " + maxPending);
        }
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new IllegalArgumentException("idleTimeout must be positive or null (never): " + idleTimeout);
        }
    }

    /** 1 MiB pending, 8 KiB lines, 10 minutes idle. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private long maxPending = 1 << 20;
        private int maxLine = 8 << 10;
        private Duration idleTimeout = Duration.ofMinutes(10);

        private Builder() {
        }

        public Builder maxPending(long bytes) {
            this.maxPending = bytes;
            return this;
        }

        public Builder maxLine(int bytes) {
            this.maxLine = bytes;
            return this;
        }

        /** Null or zero: never. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout == null || timeout.isZero() ? null : timeout;
            return this;
        }

        public ChatOptions build() {
            return new ChatOptions(maxPending, maxLine, idleTimeout);
        }
    }
}
