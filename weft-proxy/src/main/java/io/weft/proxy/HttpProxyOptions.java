package io.weft.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link HttpProxy} adds to its {@link ProxyPolicy}: who may use it, and how it keeps
 * connections to origin servers for forward requests.
 *
 * @param users                the users allowed in (HTTP Basic in {@code Proxy-Authorization},
 *                             RFC 9110 11.7.1 and RFC 7617), or null for no authentication
 * @param maxIdlePerOrigin     idle keep-alive connections kept per origin and per loop; 0: none
 *                             (every forward request gets a new connection and sends
 *                             {@code Connection: close})
 * @param idleTimeout          an idle pooled connection is closed after this
 */
public record HttpProxyOptions(Credentials users, int maxIdlePerOrigin, Duration idleTimeout) {

    public HttpProxyOptions {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxIdlePerOrigin < 0) {
            throw new IllegalArgumentException("maxIdlePerOrigin must be 0 (no pool) or positive, not " + maxIdlePerOrigin);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
    }

    /** No authentication; up to 8 idle connections per origin (per loop), closed after 30 s idle. */
    public static HttpProxyOptions defaults() {
        return new HttpProxyOptions(null, 8, Duration.ofSeconds(30));
    }

    public HttpProxyOptions withUsers(Credentials users) {
        return new HttpProxyOptions(users, maxIdlePerOrigin, idleTimeout);
    }

    public HttpProxyOptions withPool(int maxIdlePerOrigin, Duration idleTimeout) {
        return new HttpProxyOptions(users, maxIdlePerOrigin, idleTimeout);
    }
}
