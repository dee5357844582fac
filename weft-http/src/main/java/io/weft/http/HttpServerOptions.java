package io.weft.http;

import io.weft.net.ServerOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How an {@link HttpServer} behaves: limits, deadlines and the socket options under it. Made
 * with {@link #builder()}; {@link #defaults()} suits a server on the open internet.
 *
 * @param maxRequestLine   bytes in the request line; past it the answer is 414 (default 8 KiB)
 * @param maxHeadBytes     bytes in the whole request head; past it, 431 (default 16 KiB)
 * @param maxHeaders       header fields in a request; past it, 431 (default 100)
 * @param maxBodyBytes     bytes in a request body; past it, 413 (default 16 MiB)
 * @param maxBufferedInput bytes read ahead of the request being handled (pipelined requests, an
 *                         unread body); past it the server stops reading from the socket, so the
 *                         pipelined requests in flight are bounded in bytes (default 64 KiB)
 * @param headerTimeout    time from a head's first byte (or the connection's start) to its end;
 *                         past it, 408 and close: slowloris protection (default 10 s)
 * @param bodyTimeout      time a body being read may go without a byte; past it, 408 or abort
 *                         (default 30 s)
 * @param idleTimeout      time a keep-alive connection may wait for its next request (default 60 s)
 * @param socket           the listening socket's options (TLS included); their timeouts are left
 *                         to these
 * @param wallClock        where the {@code Date} header's time comes from
 */
public record HttpServerOptions(int maxRequestLine, int maxHeadBytes, int maxHeaders, long maxBodyBytes,
        int maxBufferedInput, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
        ServerOptions socket, InstantSource wallClock) {

    public HttpServerOptions {
        if (maxRequestLine < 16 || maxHeadBytes < maxRequestLine || maxHeaders < 1 || maxBodyBytes < 0
                || maxBufferedInput < 1024) {
            throw new IllegalArgumentException("need maxRequestLine >= 16, maxHeadBytes >= maxRequestLine,"
                    + " maxHeaders >= 1, maxBodyBytes >= 0, maxBufferedInput >= 1024");
        }
        positive(headerTimeout, "headerTimeout");
        positive(bodyTimeout, "bodyTimeout");
        positive(idleTimeout, "idleTimeout");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(wallClock, "wallClock");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    public static HttpServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxRequestLine = maxRequestLine;
        b.maxHeadBytes = maxHeadBytes;
        b.maxHeaders = maxHeaders;
        b.maxBodyBytes = maxBodyBytes;
        b.maxBufferedInput = maxBufferedInput;
        b.headerTimeout = headerTimeout;
        b.bodyTimeout = bodyTimeout;
        b.idleTimeout = idleTimeout;
        b.socket = socket;
        b.wallClock = wallClock;
        return b;
    }

    /** Builds {@link HttpServerOptions}; every setter has a default. */
    public static final class Builder {
        private int maxRequestLine = 8192;
        private int maxHeadBytes = 16384;
        private int maxHeaders = 100;
        private long maxBodyBytes = 16L << 20;
        private int maxBufferedInput = 65536;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private ServerOptions socket = ServerOptions.builder().noDelay(true).build();
        private InstantSource wallClock = InstantSource.system();

        private Builder() {
        }

        public Builder maxRequestLine(int bytes) {
            maxRequestLine = bytes;
            return this;
        }

        public Builder maxHeadBytes(int bytes) {
            maxHeadBytes = bytes;
            return this;
        }

        public Builder maxHeaders(int count) {
            maxHeaders = count;
            return this;
        }

        public Builder maxBodyBytes(long bytes) {
            maxBodyBytes = bytes;
            return this;
        }

        public Builder maxBufferedInput(int bytes) {
            maxBufferedInput = bytes;
            return this;
        }

        public Builder headerTimeout(Duration timeout) {
            headerTimeout = timeout;
            return this;
        }

        public Builder bodyTimeout(Duration timeout) {
            bodyTimeout = timeout;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            idleTimeout = timeout;
            return this;
        }

        public Builder socket(ServerOptions options) {
            socket = options;
            return this;
        }

        public Builder wallClock(InstantSource clock) {
            wallClock = clock;
            return this;
        }

        public HttpServerOptions build() {
            return new HttpServerOptions(maxRequestLine, maxHeadBytes, maxHeaders, maxBodyBytes, maxBufferedInput,
                    headerTimeout, bodyTimeout, idleTimeout, socket, wallClock);
        }
    }
}
