package io.weft.proxy;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopGroup;
import io.weft.proxy.internal.HealthProbe;
import io.weft.proxy.internal.ListenerGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer, like HAProxy's {@code mode tcp}: each client connection is paired with a
 * connection to one of the servers, chosen by {@link BalancerOptions#strategy()} among those the
 * health checks consider up. A connect that fails or passes {@link ProxyPolicy#connectTimeout()}
 * is retried on the next server, each server at most once per client; when none connects, the
 * client is closed. Health checks ({@link BalancerOptions#check()}: a connect, a line sent and a
 * reply prefix expected, or an HTTP GET) go to every server each
 * {@link BalancerOptions#checkInterval()}: {@code fall} failures in a row mark it down, {@code rise}
 * passes in a row up again. When every server is down, clients are still tried on all of them
 * (the checks may lag behind a recovery).
 *
 * <p>On a {@link LoopGroup} every loop accepts its own clients and the loops share one view of
 * the servers: the round-robin turn and each server's connection count are atomics every loop
 * updates (no lock on the way of a connection), and the health checks run once, on the first
 * loop, publishing up/down through a volatile flag. Least connections counts a server's
 * connections from the moment a loop chooses it, so two loops choosing at once see each other
 * except in the instant between one's reading and its increment. Every method may be called
 * from any thread.
 */
public final class TcpBalancer {
    private final List<Backend> backends;
    private final BalancerOptions options;
    private final AtomicInteger next = new AtomicInteger();
    private volatile ListenerGroup listeners;
    private volatile boolean stopped;

    private TcpBalancer(List<Backend> backends, BalancerOptions options) {
        this.backends = backends;
        this.options = options;
    }

    /**
     * Listens on {@code address} with {@code loop} and balances over {@code servers} (resolved addresses).
     *
     * @throws IllegalArgumentException if {@code servers} is empty or a server is unresolved
     */
    public static Promise<TcpBalancer> start(EventLoop loop, InetSocketAddress address, List<InetSocketAddress> servers,
            BalancerOptions options, ProxyPolicy policy, ProxyEvents events) {
        TcpBalancer b = new TcpBalancer(backends(servers), options);
        return ListenerGroup.open(loop, address, policy, events, l -> () -> new BalancerSession(b, l)).map(g -> {
            b.listeners = g;
            b.startChecks();
            return b;
        });
    }

    /**
     * Listens on {@code address} with every loop of {@code group}. Blocks until every loop
     * listens: call it from a thread outside the group.
     *
     * @throws IllegalArgumentException if {@code servers} is empty or a server is unresolved, or
     *                                  the policy does not allow listening there
     * @throws IOException              the bind error
     */
    public static TcpBalancer start(LoopGroup group, InetSocketAddress address, List<InetSocketAddress> servers,
            BalancerOptions options, ProxyPolicy policy, ProxyEvents events) throws IOException {
        TcpBalancer b = new TcpBalancer(backends(servers), options);
        b.listeners = ListenerGroup.open(group, address, policy, events, l -> () -> new BalancerSession(b, l));
        b.listeners.firstLoop().execute(b::startChecks);
        return b;
    }

    private static List<Backend> backends(List<InetSocketAddress> servers) {
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
        return List.copyOf(backends);
    }

    /** For tests: the per-loop listeners. */
    ListenerGroup listeners() {
        return listeners;
    }

    public InetSocketAddress address() {
        return listeners.address();
    }

    /** The servers, in the order given, with their current state. */
    public List<Backend> backends() {
        return backends;
    }

    /** Client connections open now over every loop. */
    public int activeConnections() {
        return listeners.active();
    }

    /** Stops accepting and checking; connections end on their own, or are cut after {@code deadline}. */
    public Promise<Void> drain(Duration deadline) {
        stopChecks();
        return listeners.drain(deadline);
    }

    /** Stops accepting and checking and cuts every connection now. */
    public void close() {
        stopChecks();
        listeners.close();
    }

    // ---- choosing ----

    /** The servers to try for one client, best first: the strategy's pick, then the others up in turn. */
    List<Backend> order() {
        int n = backends.size();
        List<Backend> up = new ArrayList<>(n);
        int start = next.getAndIncrement() & Integer.MAX_VALUE;
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
                if (up.get(i).active.get() < up.get(best).active.get()) {
                    best = i;
                }
            }
            up.add(0, up.remove(best));
        }
        return up;
    }

    // ---- health checks: the first loop's thread ----

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
        b.check = checkLoop().callLater(after, () -> check(b));
    }

    private EventLoop checkLoop() {
        return listeners.firstLoop();
    }

    private void check(Backend b) {
        if (stopped) {
            return;
        }
        HealthProbe.run(checkLoop(), b.address(), options.check(), options.checkTimeout()).whenComplete((passed, e) -> {
            if (stopped) {
                return;
            }
            record(b, passed);
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
        EventLoop loop = checkLoop();
        if (!loop.inLoop()) {
            loop.execute(this::stopChecks);
            return;
        }
        for (Backend b : backends) {
            if (b.check != null) {
                b.check.cancel();
                b.check = null;
            }
        }
    }
}
