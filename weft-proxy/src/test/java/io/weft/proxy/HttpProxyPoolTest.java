package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.proxy.HttpPeers.Response;
import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP proxy's origin connections: kept alive between requests, but never once in doubt; Upgrade. */
@ExtendWith(NoFdLeaks.class)
class HttpProxyPoolTest {
    private Harness h;
    private HttpPeers.KeepAliveOrigin origin;
    private HttpProxy proxy;
    private String base;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness();
        origin = new HttpPeers.KeepAliveOrigin();
        base = "http://127.0.0.1:" + origin.port();
        start(HttpProxyOptions.defaults().withPool(2, Duration.ofSeconds(30)));
    }

    private void start(HttpProxyOptions options) throws Exception {
        ProxyPolicy policy = ProxyPolicy.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
        proxy = h.await(() -> HttpProxy.start(h.loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), policy,
                options, h));
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        origin.close();
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String get(String path) {
        return "GET " + base + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    @Test
    void requestsFromSeveralClientsShareOneKeptAliveOriginConnection() throws Exception {
        for (int client = 0; client < 3; client++) {
            try (Socket s = Peers.connect(proxy.address())) {
                for (int i = 0; i < 3; i++) {
                    send(s, get("/ka"));
                    Response r = HttpPeers.readResponse(s.getInputStream());
                    assertThat(r.text()).isEqualTo("ok");
                    assertThat(r.header("Connection")).isEqualTo("keep-alive");
                }
            }
        }
        assertThat(origin.heads).hasSize(9).allMatch(head -> head.contains("Connection: keep-alive\r\n"));
        assertThat(origin.connections()).isEqualTo(1);
    }

    @Test
    void aResponseThatSaysCloseOrWasCutShortIsNeverReused() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/bye"));
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("bye");
            send(s, get("/ka"));
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
        }
        assertThat(origin.connectionOf).containsExactly(1, 2);
        // A client that leaves in the middle of a response too big for the socket buffers: that origin connection is cut, not pooled.
        try (Socket s = Peers.connect(proxy.address())) {
            s.setReceiveBufferSize(4096);
            send(s, get("/big"));
            HttpPeers.readHead(s.getInputStream());
            s.getInputStream().readNBytes(1000);
        }
        Harness.eventually("the cut origin connection is closed", () -> origin.server.open.isEmpty());
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/ka"));
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
        }
        // /ka went back on connection 2 (pooled); /big took it, so the last /ka needed a third one.
        assertThat(origin.connectionOf).containsExactly(1, 2, 2, 3);
    }

    @Test
    void requestsWithABodyGetAFreshConnectionAndLeaveItPooled() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/ka"));
            HttpPeers.readResponse(s.getInputStream());
            send(s, "POST " + base + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("body");
        }
        assertThat(origin.connectionOf).containsExactly(1, 2);
    }

    @Test
    void aPooledConnectionTheOriginDroppedIsRetriedOnceOnAFreshOneForAnIdempotentRequest() throws Exception {
        origin.hangUpAfterFirst = true; // every kept-alive connection dies at its second request, answering nothing
        try (Socket s = Peers.connect(proxy.address())) {
            for (int i = 0; i < 4; i++) {
                send(s, get("/ka"));
                Response r = HttpPeers.readResponse(s.getInputStream());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("ok");
            }
        }
        // Each request after the first found the pooled connection dead, then went out once more.
        assertThat(origin.connectionOf).containsExactly(1, 2, 3, 4);
        assertThat(origin.connections()).isEqualTo(4);
        assertThat(h.failures).isEmpty();
    }

    @Test
    void idlePooledConnectionsCloseAfterTheIdleTimeout() throws Exception {
        h.close();
        h = new Harness();
        start(HttpProxyOptions.defaults().withPool(2, Duration.ofMillis(200)));
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/ka"));
            HttpPeers.readResponse(s.getInputStream());
        }
        Harness.eventually("the origin hears the pooled connection close", () -> origin.closedByPeer.get() == 1);
    }

    @Test
    void withNoPoolEveryRequestSaysConnectionClose() throws Exception {
        h.close();
        h = new Harness();
        start(HttpProxyOptions.defaults().withPool(0, Duration.ofSeconds(1)));
        try (Socket s = Peers.connect(proxy.address())) {
            for (int i = 0; i < 2; i++) {
                send(s, get("/ka"));
                assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
            }
        }
        assertThat(origin.heads).allMatch(head -> head.contains("Connection: close\r\n"));
        assertThat(origin.connectionOf).containsExactly(1, 2);
    }

    @Test
    void anUpgradeTurnsTheForwardRequestIntoATunnel() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, "GET " + base + "/upgrade HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            InputStream in = s.getInputStream();
            String head = HttpPeers.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ").contains("Upgrade: websocket\r\n").contains("Connection: upgrade\r\n");
            assertThat(new String(Peers.readN(in, 2))).isEqualTo("hi"); // the origin's first bytes, in the 101's read
            send(s, "frames both ways");
            assertThat(new String(Peers.readN(in, 16))).isEqualTo("frames both ways");
            s.shutdownOutput();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(origin.heads.get(0)).contains("Upgrade: websocket\r\n").contains("Connection: upgrade\r\n")
                .contains("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        assertThat(h.relays).hasSize(1);
    }

    @Test
    void upgradeNeedsConnectionUpgradeAndA101NobodyAskedForIsA502() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            // Upgrade without "Connection: upgrade" is hop-by-hop noise: dropped, and the 101 is then unasked.
            send(s, "GET " + base + "/unasked HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n");
            Response r = HttpPeers.readResponse(s.getInputStream());
            assertThat(r.status()).isEqualTo(502);
        }
        assertThat(origin.heads.get(0)).doesNotContain("Upgrade").contains("Connection: keep-alive\r\n");
        assertThat(h.relays).isEmpty();
    }

    @Test
    void anOriginThatSendsMoreThanItsResponseLosesTheConnection() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/extra"));
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
            // Whether the unasked bytes came with the response or after it, the next request never reads them.
            for (int i = 0; i < 3; i++) {
                send(s, get("/ka"));
                assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
            }
        }
        assertThat(origin.connectionOf).containsExactly(1, 2, 2, 2);
    }

    @Test
    void connectionCannotNameTheFramingFieldsAwayEitherWay() throws Exception {
        // "Connection: Content-Length" would make a naive proxy drop the length and forward the
        // body as the start of a second request (request smuggling); the framing fields stay.
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, "POST " + base + "/echo HTTP/1.1\r\nHost: x\r\nConnection: Content-Length, Host\r\nContent-Length: 30\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nX: y\r\n");
            Response r = HttpPeers.readResponse(s.getInputStream());
            assertThat(r.text()).isEqualTo("GET /smuggled HTTP/1.1\r\nX: y\r\n");
            send(s, get("/named-length"));
            Response named = HttpPeers.readResponse(s.getInputStream());
            assertThat(named.header("Content-Length")).isEqualTo("2");
            assertThat(named.text()).isEqualTo("ok");
            send(s, get("/ka"));
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("ok");
        }
        assertThat(origin.heads).hasSize(3).noneMatch(head -> head.contains("/smuggled"));
        assertThat(origin.heads.get(0)).contains("Content-Length: 30\r\n").contains("Host: 127.0.0.1:");
    }

    @Test
    void theProxyStoppingClosesItsIdleConnections() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, get("/ka"));
            HttpPeers.readResponse(s.getInputStream());
        }
        h.await(() -> proxy.drain(Duration.ofSeconds(1)));
        Harness.eventually("the origin hears the pooled connection close", () -> origin.closedByPeer.get() == 1);
        assertThat(List.of(proxy.activeConnections())).containsExactly(0);
    }
}
