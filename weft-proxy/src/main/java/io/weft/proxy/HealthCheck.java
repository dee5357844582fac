package io.weft.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a {@link TcpBalancer}'s active health check asks of a server, within
 * {@link BalancerOptions#checkTimeout()} from the start of the connect. Immutable; any thread.
 */
public sealed interface HealthCheck {

    /** Passes when a TCP connection is established; then closes it. */
    record Connect() implements HealthCheck {
    }

    /**
     * Sends {@code send} (bytes as given, UTF-8) and passes when the first line of the reply
     * (up to LF, at most 4 KiB) starts with {@code expectPrefix}, like HAProxy's
     * {@code tcp-check send} / {@code tcp-check expect string}.
     */
    record SendExpect(String send, String expectPrefix) implements HealthCheck {
        public SendExpect {
            Objects.requireNonNull(send, "send");
            Objects.requireNonNull(expectPrefix, "expectPrefix");
            if (expectPrefix.isEmpty()) {
                throw new IllegalArgumentException("expect a non-empty reply prefix");
            }
        }
    }

    /**
     * Sends {@code GET path HTTP/1.1} with {@code Host} and {@code Connection: close} and passes
     * on a 2xx or 3xx status, like HAProxy's {@code option httpchk}.
     */
    record HttpGet(String path, String host) implements HealthCheck {
        public HttpGet {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(host, "host");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("the check's path must start with / and hold no spaces or controls: " + path);
            }
            if (host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("a bad Host for the check: " + host);
            }
        }

        /** The request it sends. */
        public byte[] request() {
            return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: weft-health-check\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
    }

    static HealthCheck connect() {
        return new Connect();
    }

    static HealthCheck sendExpect(String send, String expectPrefix) {
        return new SendExpect(send, expectPrefix);
    }

    static HealthCheck httpGet(String path, String host) {
        return new HttpGet(path, host);
    }
}
