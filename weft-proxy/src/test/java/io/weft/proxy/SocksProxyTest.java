package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.proxy.ProxyHandshakeException.Reason;
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

/** SOCKS5 over real loopback sockets: the happy paths, every reply code we can provoke, hostile input. */
@ExtendWith(NoFdLeaks.class)
class SocksProxyTest {
    private Harness h;
    private Peers.Server echo;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness();
        echo = Peers.echo();
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        echo.close();
    }

    private SocksProxy start(ProxyPolicy policy, Credentials credentials) throws Exception {
        return h.await(() -> SocksProxy.start(h.loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), policy,
                credentials, h));
    }

    private static byte[] connectIpv4(int port) {
        return new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port};
    }

    /** Greets with no-auth, asks for {@code request}, returns the socket after a reply with code {@code rep}. */
    private static Socket open(SocksProxy p, byte[] request, int rep) throws IOException {
        Socket s = Peers.connect(p.address());
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(new byte[] {5, 1, 0});
        assertThat(Peers.readN(in, 2)).containsExactly(5, 0);
        out.write(request);
        byte[] reply = Peers.readN(in, 4);
        assertThat(reply[0]).isEqualTo((byte) 5);
        assertThat(reply[1] & 0xff).as("reply code").isEqualTo(rep);
        Peers.readN(in, reply[3] == 4 ? 18 : 6);
        return s;
    }

    private static void assertEchoes(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(Peers.readN(s.getInputStream(), text.length()), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void connectsToIpv4DomainAndIpv6() throws Exception {
        SocksProxy p = start(ProxyPolicy.defaults(), null);
        try (Socket s = open(p, connectIpv4(echo.port()), 0)) {
            assertEchoes(s, "over ipv4");
        }
        byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII);
        byte[] req = new byte[7 + name.length];
        req[0] = 5;
        req[1] = 1;
        req[3] = 3;
        req[4] = (byte) name.length;
        System.arraycopy(name, 0, req, 5, name.length);
        req[5 + name.length] = (byte) (echo.port() >> 8);
        req[6 + name.length] = (byte) echo.port();
        // localhost may resolve to ::1 first where the echo server (127.0.0.1) is not: either
        // the proxy tries the next address, or it answers refused; both are correct replies.
        try (Socket s = open(p, req, 0)) {
            assertEchoes(s, "over a name");
        }
        try (Peers.Server echo6 = echo6()) {
            if (echo6 != null) {
                byte[] r6 = new byte[22];
                r6[0] = 5;
                r6[1] = 1;
                r6[3] = 4;
                r6[19] = 1; // ::1
                r6[20] = (byte) (echo6.port() >> 8);
                r6[21] = (byte) echo6.port();
                try (Socket s = open(p, r6, 0)) {
                    assertEchoes(s, "over ipv6");
                }
            } else {
                System.out.println("SocksProxyTest: no IPv6 loopback here; the IPv6 CONNECT is not tried");
            }
        }
    }

    private static Peers.Server echo6() {
        try {
            return Peers.echo(InetAddress.getByName("::1"));
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void clientBytesSentWithTheRequestGoUpstreamFirst() throws Exception {
        SocksProxy p = start(ProxyPolicy.defaults(), null);
        try (Socket s = Peers.connect(p.address())) {
            byte[] greeting = {5, 1, 0};
            byte[] req = connectIpv4(echo.port());
            byte[] all = new byte[greeting.length + req.length + 5];
            System.arraycopy(greeting, 0, all, 0, 3);
            System.arraycopy(req, 0, all, 3, req.length);
            System.arraycopy("early".getBytes(), 0, all, 3 + req.length, 5);
            s.getOutputStream().write(all); // one write: greeting, request and data together
            InputStream in = s.getInputStream();
            assertThat(Peers.readN(in, 2)).containsExactly(5, 0);
            assertThat(Peers.readN(in, 10)[1]).isEqualTo((byte) 0);
            assertThat(new String(Peers.readN(in, 5))).isEqualTo("early");
        }
    }

    @Test
    void usernamePasswordFromAFile() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("socks-users", ".txt");
        try {
            java.nio.file.Files.writeString(file, "# users\nalice:s3cret:with:colons\nbob:pw\n");
            SocksProxy p = start(ProxyPolicy.defaults(), Credentials.load(file));
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {5, 2, 0, 2});
                assertThat(Peers.readN(s.getInputStream(), 2)).containsExactly(5, 2);
                s.getOutputStream().write(auth("alice", "s3cret:with:colons"));
                assertThat(Peers.readN(s.getInputStream(), 2)).containsExactly(1, 0);
                s.getOutputStream().write(connectIpv4(echo.port()));
                assertThat(Peers.readN(s.getInputStream(), 10)[1]).isEqualTo((byte) 0);
                assertEchoes(s, "authenticated");
            }
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {5, 1, 2});
                assertThat(Peers.readN(s.getInputStream(), 2)).containsExactly(5, 2);
                s.getOutputStream().write(auth("alice", "wrong"));
                assertThat(Peers.readN(s.getInputStream(), 2)).containsExactly(1, 1);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {5, 1, 0}); // only no-auth: not acceptable here
                assertThat(Peers.readN(s.getInputStream(), 2)).containsExactly(5, 0xff);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            Harness.eventually("three failures reported", () -> h.failures.size() >= 2);
            assertThat(h.failures).extracting(ProxyHandshakeException::reason).containsOnly(Reason.AUTHENTICATION);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    private static byte[] auth(String user, String pass) {
        byte[] u = user.getBytes();
        byte[] p = pass.getBytes();
        byte[] b = new byte[3 + u.length + p.length];
        b[0] = 1;
        b[1] = (byte) u.length;
        System.arraycopy(u, 0, b, 2, u.length);
        b[2 + u.length] = (byte) p.length;
        System.arraycopy(p, 0, b, 3 + u.length, p.length);
        return b;
    }

    @Test
    void replyCodes() throws Exception {
        ProxyPolicy policy = ProxyPolicy.defaults().withDestinations(List.of(), List.of(PortRange.parse("1024-65535")));
        SocksProxy p = start(policy, null);
        int closedPort;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = ss.getLocalPort();
        }
        open(p, connectIpv4(closedPort), 5).close();                                   // refused
        open(p, connectIpv4(80), 2).close();                                           // outside the allowed ports
        open(p, new byte[] {5, 2, 0, 1, 127, 0, 0, 1, 0, 80}, 7).close();              // BIND
        open(p, new byte[] {5, 1, 0, 9, 127, 0, 0, 1, 0, 80}, 8).close();              // address type 9
        byte[] bad = "no-such-host.invalid".getBytes();
        byte[] req = new byte[7 + bad.length];
        req[0] = 5;
        req[1] = 1;
        req[3] = 3;
        req[4] = (byte) bad.length;
        System.arraycopy(bad, 0, req, 5, bad.length);
        req[6 + bad.length] = 80;
        req[5 + bad.length] = 4;
        open(p, req, 4).close();                                                       // does not resolve
        Harness.eventually("five failures reported", () -> h.failures.size() >= 5);
        assertThat(h.failures).extracting(ProxyHandshakeException::reason).contains(Reason.UPSTREAM_FAILED,
                Reason.DESTINATION_DENIED, Reason.UNSUPPORTED, Reason.UNKNOWN_HOST);
    }

    @Test
    void hostileInputClosesOnlyThatClient() throws Exception {
        ProxyPolicy policy = ProxyPolicy.defaults().withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(5));
        SocksProxy p = start(policy, null);
        try (Socket good = open(p, connectIpv4(echo.port()), 0)) {
            // bad version
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {4, 1, 0});
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            // truncated greeting, then the client leaves
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {5, 3, 0});
            }
            // a domain length of 255 with only a few bytes of it, then nothing: the handshake deadline closes it
            try (Socket s = Peers.connect(p.address())) {
                s.getOutputStream().write(new byte[] {5, 1, 0});
                Peers.readN(s.getInputStream(), 2);
                s.getOutputStream().write(new byte[] {5, 1, 0, 3, (byte) 255, 'a', 'b'});
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
            // slowloris: a byte at a time, slower than the deadline allows
            try (Socket s = Peers.connect(p.address())) {
                int got = 0;
                for (byte b : new byte[] {5, 1, 0}) {
                    s.getOutputStream().write(b);
                    Thread.sleep(250);
                }
                try {
                    got = s.getInputStream().read();
                    if (got == 5) {
                        s.getInputStream().read(); // the method reply, then the close
                        got = s.getInputStream().read();
                    }
                } catch (IOException reset) {
                    got = -1;
                }
                assertThat(got).isEqualTo(-1);
            }
            assertEchoes(good, "still fine");
        }
        Harness.eventually("failures reported", () -> h.failures.stream().anyMatch(e -> e.reason() == Reason.TIMEOUT)
                && h.failures.stream().anyMatch(e -> e.reason() == Reason.MALFORMED));
        Harness.eventually("no connection left", () -> {
            try {
                return h.on(p::activeConnections) == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void refusesClientsOverTheLimitAndNonLoopbackListenWithoutAllowList() throws Exception {
        SocksProxy p = start(ProxyPolicy.defaults().withMaxConnectionsPerClient(1), null);
        try (Socket first = open(p, connectIpv4(echo.port()), 0); Socket second = Peers.connect(p.address())) {
            second.getOutputStream().write(new byte[] {5, 1, 0});
            int r;
            try {
                r = second.getInputStream().read();
            } catch (IOException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1);
            assertEchoes(first, "first is fine");
        }
        assertThat(h.refusals).anyMatch(s -> s.contains("over 1 connections"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> h.await(() ->
                SocksProxy.start(h.loop, new InetSocketAddress("0.0.0.0", 0), ProxyPolicy.defaults(), null, h)));
        assertThat(e).hasRootCauseInstanceOf(IllegalArgumentException.class).hasStackTraceContaining("--allow");
    }
}
