package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.proxy.internal.Listener;
import io.weft.proxy.internal.Upstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP load balancer, like HAProxy's {@code mode tcp}: each client connection is paired with a
 * connection to one of the servers, chosen by {@link BalancerOptions#strategy()} among those the
 * health checks consider up. A connect that fails or passes {@link ProxyPolicy#connectTimeout()}
 * is retried on the next server, each server at most once per client; when none connects, the
 * client is closed. Health checks connect to every server each
 * {@link BalancerOptions#checkInterval()}: {@code fall} failures in a row mark it down, {@code rise}
 * passes in a row up again. When every server is down, clients are still tried on all of them
 * (the checks may lag behind a recovery). Loop thread only.
 */
public final class TcpBalancer {
    private final Listener listener;
    private final List<Backend> backends;
    private final BalancerOptions options;
    private int next;
    private boolean stopped;

    private TcpBalancer(Listener listener, List<Backend> backends, BalancerOptions options) {
        this.listener = listener;
        this.backends = backends;
        this.options = options;
    }

    /**
     * Listens on {@code address} and balances over {@code servers} (resolved addresses).
     *
     * @throws IllegalArgumentException if {@code servers} is empty
     */
    public static Promise<TcpBalancer> start(EventLoop loop, InetSocketAddress address, List<InetSocketAddress> servers,
            BalancerOptions options, ProxyPolicy policy, ProxyEvents events) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a balancer needs at least one server (--to HOST:PORT)");
        }
        List<Backend> backends = new ArrayList<>();
        for (InetSocketAddress s : servers) {
            if (s.isUnresolved()) {
                throw new IllegalArgumentException("resolve " + s.getHostString() + " before starting the balancer");
            }
            backends.add(new Backend(s));
        }
        TcpBalancer[] self = new TcpBalancer[1];
        return Listener.open(loop, address, policy, events, l -> new BalancerSession(self[0], l)).map(l -> {
            self[0] = new TcpBalancer(l, List.copyOf(backends), options);
            self[0].startChecks();
            return self[0];
        });
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    /** The servers, in the order given, with their current state. */
    public List<Backend> backends() {
        return backends;
    }

    public int activeConnections() {
        return listener.active();
    }

    /** Stops accepting and checking; connections end on their own, or are cut after {@code deadline}. */
    public Promise<Void> drain(Duration deadline) {
        stopChecks();
        return listener.drain(deadline);
    }

    /** Stops accepting and checking and cuts every connection now. */
    public void close() {
        stopChecks();
        listener.close();
    }

    // ---- choosing ----

    /** The servers to try for one client, best first: the strategy's pick, then the others up in turn. */
    List<Backend> order() {
        int n = backends.size();
        List<Backend> up = new ArrayList<>(n);
        int start = next++ & Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Backend b = backends.get((start + i) % n);
            if (b.up) {
                up.add(b);
            }
        }
        if (up.isEmpty()) {
            for (int i = 0; i < n; i++) {
                up.add(backends.get((start + i) % n));
            }
        }
        if (options.strategy() == BalancerOptions.Strategy.LEAST_CONNECTIONS) {
            int best = 0;
            for (int i = 1; i < up.size(); i++) {
                if (up.get(i).active < up.get(best).active) {
                    best = i;
                }
            }
            up.add(0, up.remove(best));
        }
        return up;
    }

    Listener listener() {
        return listener;
    }

    // ---- health checks ----

    private void startChecks() {
        if (options.checkInterval() == null) {
            return;
        }
        for (Backend b : backends) {
            scheduleCheck(b, Duration.ZERO);
        }
    }

    private void scheduleCheck(Backend b, Duration after) {
        if (stopped) {
            return;
        }
        b.check = listener.loop().callLater(after, () -> check(b));
    }

    private void check(Backend b) {
        if (stopped) {
            return;
        }
        ConnectOptions o = ConnectOptions.builder().connectTimeout(options.checkTimeout()).build();
        Net.createConnection(listener.loop(), Upstream::new, b.address(), o).whenComplete((up, e) -> {
            if (up != null) {
                up.transport().close();
            }
            if (stopped) {
                return;
            }
            record(b, e == null);
            scheduleCheck(b, options.checkInterval());
        });
    }

    private void record(Backend b, boolean passed) {
        if (passed) {
            b.failures = 0;
            if (!b.up && ++b.passes >= options.rise()) {
                b.up = true;
                b.passes = 0;
            }
        } else {
            b.passes = 0;
            if (b.up && ++b.failures >= options.fall()) {
                b.up = false;
                b.failures = 0;
            }
        }
    }

    private void stopChecks() {
        stopped = true;
        for (Backend b : backends) {
            if (b.check != null) {
                b.check.cancel();
                b.check = null;
            }
        }
    }
}
