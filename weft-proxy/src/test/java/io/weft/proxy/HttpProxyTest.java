package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.proxy.HttpPeers.Response;
import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP proxy over real loopback sockets: CONNECT, forwarding, keep-alive, rejections. */
@ExtendWith(NoFdLeaks.class)
class HttpProxyTest {
    private Harness h;
    private Peers.Server echo;
    private HttpPeers.Origin origin;
    private HttpProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness();
        echo = Peers.echo();
        origin = new HttpPeers.Origin();
        ProxyPolicy policy = ProxyPolicy.defaults().withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5))
                .withDestinations(List.of(Cidr.parse("127.0.0.0/8")), List.of());
        proxy = h.await(() -> HttpProxy.start(h.loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), policy, h));
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        echo.close();
        origin.close();
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void connectTunnelsBytesBothWaysAndForwardsHalfClose() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            send(s, "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + echo.port() + "\r\n\r\nfirst");
            InputStream in = s.getInputStream();
            String head = HttpPeers.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(new String(Peers.readN(in, 5))).isEqualTo("first");
            send(s, "second");
            assertThat(new String(Peers.readN(in, 6))).isEqualTo("second");
            s.shutdownOutput(); // the echo server sees EOF and half-closes back
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void forwardsWithViaWithoutHopByHopAndKeepsTheClientAlive() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            InputStream in = s.getInputStream();
            String base = "http://127.0.0.1:" + origin.port();
            send(s, "GET " + base + "/hello HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n"
                    + "Proxy-Connection: keep-alive\r\nConnection: X-Secret\r\nX-Secret: drop me\r\nTE: trailers\r\nX-Keep: me\r\n\r\n");
            Response r = HttpPeers.readResponse(in);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("hello");
            assertThat(r.header("Via")).isEqualTo("1.1 weft");
            assertThat(r.header("X-Up")).isEqualTo("yes");
            assertThat(r.header("X-Private")).isNull();
            assertThat(r.header("Keep-Alive")).isNull();
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            String up = origin.heads.get(0);
            assertThat(up).startsWith("GET /hello HTTP/1.1\r\n").contains("Via: 1.1 weft\r\n").contains("X-Keep: me\r\n")
                    .contains("Host: 127.0.0.1:" + origin.port() + "\r\n")
                    .doesNotContain("X-Secret").doesNotContain("Proxy-Connection").doesNotContain("TE:");

            // the same connection: a chunked response stays chunked, then a POST body, then 100-continue
            send(s, "GET " + base + "/chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            Response c = HttpPeers.readResponse(in);
            assertThat(c.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(c.text()).isEqualTo("chunked!");
            send(s, "POST " + base + "/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello there");
            assertThat(HttpPeers.readResponse(in).text()).isEqualTo("hello there");
            send(s, "POST " + base + "/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n");
            assertThat(HttpPeers.readResponse(in).text()).isEqualTo("wxyz");
            send(s, "GET " + base + "/continue HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpPeers.readResponse(in).status()).isEqualTo(100);
            assertThat(HttpPeers.readResponse(in).status()).isEqualTo(204);
            // a response that ends with the upstream's close ends the client's connection too
            send(s, "GET " + base + "/until-close HTTP/1.1\r\nHost: x\r\n\r\n");
            Response last = HttpPeers.readResponse(in);
            assertThat(last.header("Connection")).isEqualTo("close");
            assertThat(last.text()).isEqualTo("to the end");
        }
        assertThat(origin.heads).hasSize(6);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = Peers.connect(proxy.address())) {
            String base = "http://127.0.0.1:" + origin.port();
            send(s, "GET " + base + "/hello HTTP/1.1\r\nHost: x\r\n\r\nGET " + base + "/chunked HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("hello");
            assertThat(HttpPeers.readResponse(s.getInputStream()).text()).isEqualTo("chunked!");
        }
    }

    @Test
    void rejectsWithTheRightStatusAndClosesOnlyThatClient() throws Exception {
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        try (Socket good = Peers.connect(proxy.address())) {
            send(good, "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(HttpPeers.readHead(good.getInputStream())).startsWith("HTTP/1.1 200");
            assertStatus("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 400);                               // origin-form
            assertStatus("GET https://127.0.0.1/ HTTP/1.1\r\nHost: x\r\n\r\n", 501);                  // https forward
            assertStatus("GET http://127.0.0.1:" + closedPort + "/ HTTP/1.1\r\nHost: x\r\n\r\n", 502); // refused
            assertStatus("CONNECT 10.1.2.3:443 HTTP/1.1\r\nHost: x\r\n\r\n", 403);                    // outside 127/8
            assertStatus("CONNECT nohost HTTP/1.1\r\nHost: x\r\n\r\n", 400);                          // no port
            assertStatus("GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
            assertStatus("GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(20000) + "\r\n\r\n", 431);
            assertStatus("GET http://127.0.0.1/ HTTP/1.1\r\nHo", 408);                                // slowloris
            send(good, "still alive");
            assertThat(new String(Peers.readN(good.getInputStream(), 11))).isEqualTo("still alive");
        }
    }

    @Test
    void aTargetWithoutAHostOrWithAPortPast65535IsABadRequest() throws Exception {
        // Found while fuzzing ProxyTarget: CONNECT's five digits reached new InetSocketAddress (which
        // threw on the loop, and the client waited for ever), and an empty host resolved to this machine.
        assertStatus("CONNECT 127.0.0.1:65536 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        assertStatus("CONNECT []:" + echo.port() + " HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        assertStatus("GET http://:" + origin.port() + "/hello HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        assertStatus("GET http://127.0.0.1:+" + origin.port() + "/hello HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    }

    private void assertStatus(String request, int status) throws IOException {
        try (Socket s = Peers.connect(proxy.address())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            Response r = HttpPeers.readResponse(s.getInputStream());
            assertThat(r).as("a response to " + request.substring(0, Math.min(60, request.length()))).isNotNull();
            assertThat(r.status()).as(r.head()).isEqualTo(status);
            assertThat(r.header("Connection")).isEqualTo("close");
        }
    }
}
