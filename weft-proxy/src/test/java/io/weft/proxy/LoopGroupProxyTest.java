package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import io.weft.proxy.internal.Listener;
import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three proxies on a group of two loops: each loop accepts its own clients, and what must
 * be one view (per-client limits, the balancer's turn, connection counts and health) is one.
 */
@ExtendWith(NoFdLeaks.class)
class LoopGroupProxyTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private LoopGroup group;
    private Harness events;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() {
        group = LoopGroup.start(2, LoopConfig.builder().threadName("proxy-group-test").build());
        events = new Harness();
    }

    @AfterEach
    void tearDown() throws Exception {
        group.close();
        events.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static List<Long> perLoop(List<Listener> listeners) {
        return listeners.stream().map(Listener::admittedTotal).toList();
    }

    /** A SOCKS greeting; true if the proxy answered it (admitted), false if it cut the connection (refused). */
    private static boolean greeted(Socket s) throws IOException {
        s.getOutputStream().write(new byte[] {5, 1, 0});
        try {
            InputStream in = s.getInputStream();
            return in.read() == 5 && in.read() == 0;
        } catch (IOException reset) {
            return false;
        }
    }

    @Test
    void aClientsConnectionLimitCountsOverEveryLoop() throws Exception {
        ProxyPolicy policy = ProxyPolicy.defaults().withMaxConnectionsPerClient(4);
        SocksProxy proxy = SocksProxy.start(group, ANY, policy, null, events);
        List<Socket> held = new ArrayList<>();
        try {
            int admitted = 0;
            for (int i = 0; i < 40; i++) {
                Socket s = Peers.connect(proxy.address());
                if (greeted(s)) {
                    held.add(s);
                    admitted++;
                } else {
                    s.close();
                }
            }
            List<Long> accepted = perLoop(proxy.listeners().listeners());
            // The kernel spread 40 connections over both loops (SO_REUSEPORT hashes the ports).
            assertThat(accepted).hasSize(2);
            assertThat(admitted).isEqualTo(4);
            assertThat(events.refusals).hasSize(36).allMatch(r -> r.contains("over 4 connections"));
            assertThat(proxy.listeners().heldBy(InetAddress.getLoopbackAddress())).isEqualTo(4);

            // One leaves, on whichever loop: one more gets in.
            held.remove(0).close();
            Harness.eventually("the count drops", () -> proxy.activeConnections() == 3);
            Socket again = Peers.connect(proxy.address());
            assertThat(greeted(again)).isTrue();
            held.add(again);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Harness.eventually("every count back to zero", () -> proxy.activeConnections() == 0
                && proxy.listeners().heldBy(InetAddress.getLoopbackAddress()) == 0);
        proxy.drain(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private List<InetSocketAddress> named(String... names) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String n : names) {
            Peers.Server s = Peers.named(n, 0);
            closing.add(s);
            out.add(s.address());
        }
        return out;
    }

    @Test
    void roundRobinTakesTurnsOverBothLoopsAndCountsMatchTheServers() throws Exception {
        TcpBalancer b = TcpBalancer.start(group, ANY, named("a", "b", "c"),
                BalancerOptions.defaults().withChecks(null, Duration.ofSeconds(1), 1, 1), ProxyPolicy.defaults(), events);
        List<Socket> open = new ArrayList<>();
        Map<String, Integer> spread = new HashMap<>();
        try {
            for (int i = 0; i < 30; i++) {
                Socket s = Peers.connect(b.address());
                open.add(s);
                spread.merge(HttpPeers.readLine(s.getInputStream()), 1, Integer::sum);
            }
            assertThat(perLoop(b.listeners().listeners())).allMatch(n -> n > 0);
            // One turn shared by the loops: exactly ten each, however the kernel spread the clients.
            assertThat(spread).containsEntry("a", 10).containsEntry("b", 10).containsEntry("c", 10);
            assertThat(b.backends()).allMatch(x -> x.activeConnections() == 10 && x.totalConnections() == 10);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        Harness.eventually("each server's count back to zero",
                () -> b.backends().stream().allMatch(x -> x.activeConnections() == 0));
        assertThat(b.activeConnections()).isZero();
        b.close();
    }

    @Test
    void leastConnectionsSeesTheConnectionsOfTheOtherLoop() throws Exception {
        TcpBalancer b = TcpBalancer.start(group, ANY, named("a", "b"), BalancerOptions.defaults()
                .withStrategy(BalancerOptions.Strategy.LEAST_CONNECTIONS).withChecks(null, Duration.ofSeconds(1), 1, 1),
                ProxyPolicy.defaults(), events);
        List<Socket> open = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            // Held open one after another: each new client must go where fewer are, whichever loop took it.
            for (int i = 0; i < 20; i++) {
                Socket s = Peers.connect(b.address());
                open.add(s);
                names.add(HttpPeers.readLine(s.getInputStream()));
                int done = i + 1;
                assertThat(Math.abs(b.backends().get(0).activeConnections() - b.backends().get(1).activeConnections()))
                        .as("after %d clients", done).isLessThanOrEqualTo(1);
            }
            assertThat(perLoop(b.listeners().listeners())).allMatch(n -> n > 0);
            assertThat(names.stream().filter("a"::equals).count()).isEqualTo(10);
            // Four of a's clients leave: the next four clients all go to a.
            int closed = 0;
            for (int i = 0; i < open.size() && closed < 4; i++) {
                if (names.get(i).equals("a")) {
                    open.get(i).close();
                    closed++;
                }
            }
            Harness.eventually("a's count drops", () -> b.backends().get(0).activeConnections() == 6);
            for (int i = 0; i < 4; i++) {
                Socket s = Peers.connect(b.address());
                open.add(s);
                assertThat(HttpPeers.readLine(s.getInputStream())).isEqualTo("a");
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        Harness.eventually("counts back to zero", () -> b.backends().stream().allMatch(x -> x.activeConnections() == 0));
        b.close();
    }

    @Test
    void healthChecksRunOnceAndEveryLoopRoutesAroundADownServer() throws Exception {
        Peers.Server bServer = Peers.named("b", 0);
        List<InetSocketAddress> servers = new ArrayList<>(named("a"));
        servers.add(bServer.address());
        TcpBalancer lb = TcpBalancer.start(group, ANY, servers,
                BalancerOptions.defaults().withChecks(Duration.ofMillis(50), Duration.ofMillis(500), 2, 2), ProxyPolicy.defaults(),
                events);
        int port = bServer.port();
        bServer.close();
        Harness.eventually("b marked down", () -> !lb.backends().get(1).isUp());
        long before = lb.backends().get(0).totalConnections();
        for (int i = 0; i < 10; i++) {
            try (Socket s = Peers.connect(lb.address())) {
                assertThat(HttpPeers.readLine(s.getInputStream())).isEqualTo("a");
            }
        }
        assertThat(lb.backends().get(0).totalConnections() - before).isEqualTo(10);
        Peers.Server back = Peers.named("b", port);
        closing.add(back);
        Harness.eventually("b marked up", () -> lb.backends().get(1).isUp());
        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            try (Socket s = Peers.connect(lb.address())) {
                spread.merge(HttpPeers.readLine(s.getInputStream()), 1, Integer::sum);
            }
        }
        assertThat(spread).containsEntry("a", 5).containsEntry("b", 5);
        assertThat(events.failures).isEmpty();
        lb.drain(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHttpProxyKeepsAPoolPerLoop() throws Exception {
        HttpPeers.KeepAliveOrigin origin = new HttpPeers.KeepAliveOrigin();
        closing.add(origin);
        HttpProxy proxy = HttpProxy.start(group, ANY, ProxyPolicy.defaults(), HttpProxyOptions.defaults(), events);
        for (int i = 0; i < 20; i++) {
            try (Socket s = Peers.connect(proxy.address())) {
                s.getOutputStream().write(("GET http://127.0.0.1:" + origin.port() + "/ka HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
            }
        }
        assertThat(perLoop(proxy.listeners().listeners())).allMatch(n -> n > 0);
        // One after another, so each loop's pool needed one connection at most.
        assertThat(origin.connections()).isBetween(1, 2);
        proxy.drain(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Harness.eventually("the pools closed their idle connections", () -> origin.closedByPeer.get() == origin.connections());
    }
}
