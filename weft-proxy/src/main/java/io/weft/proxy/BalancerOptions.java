package io.weft.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TcpBalancer} picks servers and checks their health.
 *
 * @param strategy       round robin, or the server with the fewest open connections
 * @param checkInterval  how often each server is checked; null: no checks
 * @param checkTimeout   a check that has not passed within this (connect and reply) fails
 * @param fall           consecutive failed checks that mark a server down
 * @param rise           consecutive passed checks that mark a down server up again
 * @param check          what a check asks: a connect (the default), a line and a reply prefix, or an HTTP GET
 */
public record BalancerOptions(Strategy strategy, Duration checkInterval, Duration checkTimeout, int fall, int rise,
        HealthCheck check) {

    /** How the next server is chosen among those up. */
    public enum Strategy {
        /** Each server in turn. */
        ROUND_ROBIN,
        /** The server with the fewest connections open now; ties in turn. */
        LEAST_CONNECTIONS
    }

    public BalancerOptions {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        if (fall < 1 || rise < 1) {
            throw new IllegalArgumentException("fall and rise must be at least 1, got " + fall + " and " + rise);
        }
        if (checkInterval != null && (checkInterval.isNegative() || checkInterval.isZero())) {
            throw new IllegalArgumentException("checkInterval must be positive, or null for no checks");
        }
    }

    /** With a TCP connect as the check. */
    public BalancerOptions(Strategy strategy, Duration checkInterval, Duration checkTimeout, int fall, int rise) {
        this(strategy, checkInterval, checkTimeout, fall, rise, HealthCheck.connect());
    }

    /** Round robin; a connect check every 2 s with a 1 s timeout; down after 3 failures, up after 2 passes (HAProxy's defaults). */
    public static BalancerOptions defaults() {
        return new BalancerOptions(Strategy.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 2);
    }

    public BalancerOptions withStrategy(Strategy s) {
        return new BalancerOptions(s, checkInterval, checkTimeout, fall, rise, check);
    }

    public BalancerOptions withChecks(Duration interval, Duration timeout, int fall, int rise) {
        return new BalancerOptions(strategy, interval, timeout, fall, rise, check);
    }

    public BalancerOptions withCheck(HealthCheck c) {
        return new BalancerOptions(strategy, checkInterval, checkTimeout, fall, rise, c);
    }
}
