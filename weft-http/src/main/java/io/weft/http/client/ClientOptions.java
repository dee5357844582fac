package io.weft.http.client;

import io.weft.net.TlsOptions;
import java.time.Duration;

/**
 * How an {@link HttpClient} behaves. Made with {@link #builder()}; a null timeout means none.
 *
 * @param maxConnectionsPerHost connections to one scheme://host:port, busy or idle (default 6)
 * @param maxConnections        connections in all (default 64); requests beyond wait their turn
 * @param idleTimeout           how long a pooled connection may wait for reuse (default 30 s)
 * @param connectTimeout        to connect, TLS handshake included (default 10 s)
 * @param headTimeout           from the request's last byte to the response head's (default 30 s)
 * @param bodyIdleTimeout       the longest gap between body bytes (default 30 s)
 * @param totalTimeout          for the whole exchange, redirects included (default none)
 * @param maxRedirects          redirects followed before {@link TooManyRedirectsException} (default 5)
 * @param maxHeadBytes          a response head's size limit (default 64 KiB)
 * @param maxBodyBytes          for {@link HttpClient#fetch}, the body's size limit (default 64 MiB)
 * @param tls                   for https: trust and versions; the host name is always verified
 *                              unless this says otherwise (default: the JDK's trust store)
 */
public record ClientOptions(int maxConnectionsPerHost, int maxConnections, Duration idleTimeout, Duration connectTimeout,
        Duration headTimeout, Duration bodyIdleTimeout, Duration totalTimeout, int maxRedirects, int maxHeadBytes,
        long maxBodyBytes, TlsOptions tls) {

    public ClientOptions {
        if (maxConnectionsPerHost < 1 || maxConnections < maxConnectionsPerHost || maxRedirects < 0 || maxHeadBytes < 256) {
            throw new IllegalArgumentException("need maxConnectionsPerHost >= 1, maxConnections >= maxConnectionsPerHost,"
                    + " maxRedirects >= 0, maxHeadBytes >= 256");
        }
    }

    public static ClientOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ClientOptions}. */
    public static final class Builder {
        private int maxConnectionsPerHost = 6;
        private int maxConnections = 64;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration headTimeout = Duration.ofSeconds(30);
        private Duration bodyIdleTimeout = Duration.ofSeconds(30);
        private Duration totalTimeout;
        private int maxRedirects = 5;
        private int maxHeadBytes = 64 * 1024;
        private long maxBodyBytes = 64L << 20;
        private TlsOptions tls;

        private Builder() {
        }

        public Builder maxConnectionsPerHost(int n) {
            maxConnectionsPerHost = n;
            return this;
        }

        public Builder maxConnections(int n) {
            maxConnections = n;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            idleTimeout = d;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        public Builder headTimeout(Duration d) {
            headTimeout = d;
            return this;
        }

        public Builder bodyIdleTimeout(Duration d) {
            bodyIdleTimeout = d;
            return this;
        }

        public Builder totalTimeout(Duration d) {
            totalTimeout = d;
            return this;
        }

        public Builder maxRedirects(int n) {
            maxRedirects = n;
            return this;
        }

        public Builder maxHeadBytes(int n) {
            maxHeadBytes = n;
            return this;
        }

        public Builder maxBodyBytes(long n) {
            maxBodyBytes = n;
            return this;
        }

        public Builder tls(TlsOptions options) {
            tls = options;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(maxConnectionsPerHost, maxConnections, idleTimeout, connectTimeout, headTimeout,
                    bodyIdleTimeout, totalTimeout, maxRedirects, maxHeadBytes, maxBodyBytes, tls);
        }
    }
}
