package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health checks that talk: a line and a reply prefix (tcp-check style), and an HTTP GET. */
@ExtendWith(NoFdLeaks.class)
class HealthCheckTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Harness h;
    private final List<Peers.Server> servers = new ArrayList<>();
    private final List<String> checkRequests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        h = new Harness();
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        for (Peers.Server s : servers) {
            s.close();
        }
    }

    /** A server that reads one line, records it, answers {@code reply} (null: never answers) and then says its name. */
    private InetSocketAddress answering(String name, String reply) throws IOException {
        Peers.Server s = new Peers.Server(0, sock -> {
            try {
                InputStream in = sock.getInputStream();
                String first = HttpPeers.readLine(in);
                checkRequests.add(first);
                if (reply == null) {
                    Peers.drainQuietly(in);
                    return;
                }
                sock.getOutputStream().write((reply + name + "\n").getBytes(StandardCharsets.UTF_8));
                Peers.drainQuietly(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        servers.add(s);
        return s.address();
    }

    private BalancerOptions checks(HealthCheck c) {
        return BalancerOptions.defaults().withChecks(Duration.ofMillis(50), Duration.ofMillis(300), 1, 1).withCheck(c);
    }

    private Set<Integer> upOnes(TcpBalancer b) throws Exception {
        return h.on(() -> {
            Set<Integer> up = new HashSet<>();
            for (int i = 0; i < b.backends().size(); i++) {
                if (b.backends().get(i).isUp()) {
                    up.add(i);
                }
            }
            return up;
        });
    }

    private void eventuallyUp(TcpBalancer b, Set<Integer> expected) throws InterruptedException {
        Harness.eventually("up: " + expected, () -> {
            try {
                return upOnes(b).equals(expected);
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aServerThatAcceptsButAnswersWronglyOrNotAtAllIsDown() throws Exception {
        List<InetSocketAddress> addresses = List.of(answering("good", "+PONG "), answering("bad", "-ERR "),
                answering("mute", null));
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses, checks(HealthCheck.sendExpect("PING\r\n", "+PONG")),
                ProxyPolicy.defaults(), h));
        eventuallyUp(b, Set.of(0));
        assertThat(checkRequests).contains("PING");
        // Clients go to the one that answers right.
        for (int i = 0; i < 4; i++) {
            try (Socket s = Peers.connect(b.address())) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(HttpPeers.readLine(s.getInputStream())).isEqualTo("+PONG good");
            }
        }
    }

    @Test
    void anHttpCheckPassesOn2xxAnd3xxOnly() throws Exception {
        List<InetSocketAddress> addresses = List.of(answering("a", "HTTP/1.1 200 OK\r\n"), answering("b", "HTTP/1.0 302 Found\r\n"),
                answering("c", "HTTP/1.1 503 Service Unavailable\r\n"), answering("d", "SSH-2.0-OpenSSH\r\n"),
                answering("e", null));
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, addresses, checks(HealthCheck.httpGet("/health", "svc.local")),
                ProxyPolicy.defaults(), h));
        eventuallyUp(b, Set.of(0, 1));
        assertThat(checkRequests).contains("GET /health HTTP/1.1");
    }

    @Test
    void aServerThatStartsAnsweringRightComesBack() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        Peers.Server flaky = new Peers.Server(0, sock -> {
            try {
                InputStream in = sock.getInputStream();
                HttpPeers.readLine(in);
                sock.getOutputStream().write((ready.get() ? "READY\n" : "BUSY\n").getBytes(StandardCharsets.US_ASCII));
                Peers.drainQuietly(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        servers.add(flaky);
        TcpBalancer b = h.await(() -> TcpBalancer.start(h.loop, ANY, List.of(flaky.address()),
                checks(HealthCheck.sendExpect("STATUS\n", "READY")), ProxyPolicy.defaults(), h));
        eventuallyUp(b, Set.of());
        ready.set(true);
        eventuallyUp(b, Set.of(0));
    }

    @Test
    void badChecksAreRefusedWhenMade() {
        assertThatThrownBy(() -> HealthCheck.httpGet("health", "h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HealthCheck.httpGet("/a b", "h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HealthCheck.httpGet("/", "h\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HealthCheck.sendExpect("PING\n", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
