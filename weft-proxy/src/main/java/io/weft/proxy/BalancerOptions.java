package io.weft.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TcpBalancer} picks servers and checks their health.
 *
 * @param strategy       round robin, or the server with the fewest open connections
 * @param checkInterval  how often each server is checked (a TCP connect, then close); null: no checks
 * @param checkTimeout   a check that has not connected within this fails
 * @param fall           consecutive failed checks that mark a server down
 * @param rise           consecutive passed checks that mark a down server up again
 */
public record BalancerOptions(Strategy strategy, Duration checkInterval, Duration checkTimeout, int fall, int rise) {

    /** How the next server is chosen among those up. */
    public enum Strategy {
        /** Each server in turn. */
        ROUND_ROBIN,
        /** The server with the fewest connections open now; ties in turn. */
        LEAST_CONNECTIONS
    }

    public BalancerOptions {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        if (fall < 1 || rise < 1) {
            throw new IllegalArgumentException("fall and rise must be at least 1, got " + fall + " and " + rise);
        }
        if (checkInterval != null && (checkInterval.isNegative() || checkInterval.isZero())) {
            throw new IllegalArgumentException("checkInterval must be positive, or null for no checks");
        }
    }

    /** Round robin; a check every 2 s with a 1 s timeout; down after 3 failures, up after 2 passes (HAProxy's defaults). */
    public static BalancerOptions defaults() {
        return new BalancerOptions(Strategy.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 2);
    }

    public BalancerOptions withStrategy(Strategy s) {
        return new BalancerOptions(s, checkInterval, checkTimeout, fall, rise);
    }

    public BalancerOptions withChecks(Duration interval, Duration timeout, int fall, int rise) {
        return new BalancerOptions(strategy, interval, timeout, fall, rise);
    }
}
