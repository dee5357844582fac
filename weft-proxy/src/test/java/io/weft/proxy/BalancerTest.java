package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCP balancer: spreading, failing over when a server stops, taking it back, drain. */
@ExtendWith(NoFdLeaks.class)
class BalancerTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final BalancerOptions FAST_CHECKS = BalancerOptions.defaults()
            .withChecks(Duration.ofMillis(50), Duration.ofMillis(500), 2, 2);

    private Harness h;
    private final List<Peers.Server> servers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness();
        for (String name : List.of("a", "b", "c")) {
            servers.add(Peers.named(name, 0));
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        for (Peers.Server s : servers) {
            s.close();
        }
    }

    private List<InetSocketAddress> addresses() {
        return servers.stream().map(Peers.Server::address).toList();
    }

    private static String whoAnswers(TcpBalancer b) throws IOException {
        try (Socket s = Peers.connect(b.address())) {
            return HttpPeers.readLine(s.getInputStream());
        }
    }

    private Map<String, Integer> spread(TcpBalancer b, int n) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(whoAnswers(b), 1, Integer::sum);
        }
        return counts;
    }

    private boolean isUp(TcpBalancer b, int i) {
        try {
            return h.on(() -> b.backends().get(i).isUp());
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void keepsServingWhenOneOfThreeStopsAndUsesItAgainOnceBack() throws Exception {
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses(), FAST_CHECKS, ProxyPolicy.defaults(), h));
        assertThat(spread(b, 9)).containsEntry("a", 3).containsEntry("b", 3).containsEntry("c", 3);

        int port = servers.get(1).port();
        servers.get(1).close();
        // Before the checks notice, a client sent to b is retried on the next server: nobody fails.
        assertThat(spread(b, 6).keySet()).containsOnly("a", "c");
        Harness.eventually("b marked down", () -> !isUp(b, 1));
        assertThat(spread(b, 6)).containsOnlyKeys("a", "c");

        servers.set(1, Peers.named("b", port));
        Harness.eventually("b marked up", () -> isUp(b, 1));
        assertThat(spread(b, 9)).containsEntry("b", 3);
        assertThat(h.failures).isEmpty();
    }

    @Test
    void leastConnectionsPrefersTheIdleServer() throws Exception {
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses(),
                BalancerOptions.defaults().withStrategy(BalancerOptions.Strategy.LEAST_CONNECTIONS), ProxyPolicy.defaults(), h));
        try (Socket s1 = Peers.connect(b.address()); Socket s2 = Peers.connect(b.address())) {
            String first = HttpPeers.readLine(s1.getInputStream());
            String second = HttpPeers.readLine(s2.getInputStream());
            assertThat(second).isNotEqualTo(first);
            String third = whoAnswers(b);
            assertThat(third).isNotIn(first, second);
        }
    }

    @Test
    void allServersDownClosesTheClientAndDrainFinishesOpenTunnels() throws Exception {
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses(), BalancerOptions.defaults()
                .withChecks(null, Duration.ofSeconds(1), 1, 1), ProxyPolicy.defaults(), h));
        Socket open = Peers.connect(b.address());
        assertThat(HttpPeers.readLine(open.getInputStream())).isEqualTo("a");
        var drained = h.on(() -> b.drain(Duration.ofSeconds(10)));
        // Draining: no new clients, the open tunnel still works until its client closes.
        open.getOutputStream().write("ping\n".getBytes());
        assertThat(HttpPeers.readLine(open.getInputStream())).isEqualTo("ping");
        assertThat(drained.isDone()).isFalse();
        open.close();
        Harness.eventually("drained", drained::isDone);

        for (Peers.Server s : servers) {
            s.close();
        }
        TcpBalancer dead = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses(), BalancerOptions.defaults()
                .withChecks(null, Duration.ofSeconds(1), 1, 1), ProxyPolicy.defaults(), h));
        try (Socket s = Peers.connect(dead.address())) {
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1);
        }
        Harness.eventually("reported", () -> !h.failures.isEmpty());
        assertThat(h.failures.get(0)).hasMessageContaining("3 tried");
    }
}
