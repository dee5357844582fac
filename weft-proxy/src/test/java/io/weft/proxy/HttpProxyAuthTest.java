package io.weft.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.proxy.HttpPeers.Response;
import io.weft.testkit.NoFdLeaks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Proxy-Authorization on the HTTP proxy: 407 for anything but a right Basic credential, CONNECT and forward alike. */
@ExtendWith(NoFdLeaks.class)
class HttpProxyAuthTest {
    private Harness h;
    private Peers.Server echo;
    private HttpPeers.KeepAliveOrigin origin;
    private HttpProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness();
        echo = Peers.echo();
        origin = new HttpPeers.KeepAliveOrigin();
        Credentials users = Credentials.parse(List.of("alice:s3cret:with:colons", "bob:pw"), "test");
        ProxyPolicy policy = ProxyPolicy.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
        proxy = h.await(() -> HttpProxy.start(h.loop, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), policy,
                HttpProxyOptions.defaults().withUsers(users), h));
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        echo.close();
        origin.close();
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private Response ask(String request) throws IOException {
        try (Socket s = Peers.connect(proxy.address())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return HttpPeers.readResponse(s.getInputStream());
        }
    }

    private String get(String authorization) {
        return "GET http://127.0.0.1:" + origin.port() + "/ka HTTP/1.1\r\nHost: x\r\n"
                + (authorization == null ? "" : "Proxy-Authorization: " + authorization + "\r\n") + "\r\n";
    }

    private String connect(String authorization) {
        return "CONNECT 127.0.0.1:" + echo.port() + " HTTP/1.1\r\nHost: x\r\n"
                + (authorization == null ? "" : "Proxy-Authorization: " + authorization + "\r\n") + "\r\n";
    }

    @Test
    void theRightUserGetsThroughAndTheCredentialIsNotForwarded() throws Exception {
        Response r = ask(get(basic("alice:s3cret:with:colons"))); // the password is everything after the first colon
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok");
        assertThat(origin.heads.get(0)).doesNotContainIgnoringCase("proxy-authorization");
        try (Socket s = Peers.connect(proxy.address())) {
            s.getOutputStream().write(connect("basic " + basic("bob:pw").substring(6)).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(HttpPeers.readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
            s.getOutputStream().write("through".getBytes());
            assertThat(new String(Peers.readN(s.getInputStream(), 7))).isEqualTo("through");
        }
        assertThat(h.failures).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<none>", "wrong password", "unknown user", "not base64", "no colon", "empty user",
            "Bearer scheme", "no token", "twice", "huge"})
    void anythingElseIsA407WithAChallengeForConnectAndForward(String kind) throws Exception {
        String value = switch (kind) {
            case "<none>" -> null;
            case "wrong password" -> basic("alice:s3cret");
            case "unknown user" -> basic("mallory:pw");
            case "not base64" -> "Basic ***not*base64***";
            case "no colon" -> basic("alice");
            case "empty user" -> basic(":pw");
            case "Bearer scheme" -> "Bearer " + Base64.getEncoder().encodeToString("bob:pw".getBytes());
            case "no token" -> "Basic";
            case "twice" -> basic("bob:pw") + "\r\nProxy-Authorization: " + basic("bob:pw");
            case "huge" -> "Basic " + "QUFB".repeat(500);
            default -> throw new AssertionError(kind);
        };
        for (String request : List.of(get(value), connect(value))) {
            Response r = ask(request);
            assertThat(r.status()).as(kind).isEqualTo(407);
            assertThat(r.header("Proxy-Authenticate")).startsWith("Basic realm=\"weft\"");
            assertThat(r.header("Connection")).isEqualTo("close");
        }
        assertThat(origin.heads).isEmpty();
        assertThat(echo.accepted.get()).isZero();
        Harness.eventually("both refusals reported", () -> h.failures.size() == 2);
        assertThat(h.failures).allMatch(e -> e.reason() == ProxyHandshakeException.Reason.AUTHENTICATION);
    }
}
