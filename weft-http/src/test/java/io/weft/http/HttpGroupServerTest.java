package io.weft.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.loop.LoopConfig;
import io.weft.loop.LoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HttpGroupServer}: one HTTP server on every loop of a group. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpGroupServerTest {

    /**
     * 200 connections open at once over 2 loops, each asking on a keep-alive connection twice:
     * every answer is right, and it comes from the handler of the loop that holds the connection.
     */
    @Test
    void manyConnectionsOverTwoLoops() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (LoopGroup group = LoopGroup.start(2, LoopConfig.builder().threadName("http-group").build())) {
            HttpGroupServer server = HttpGroupServer.listen(group, new InetSocketAddress("127.0.0.1", 0),
                    HttpServerOptions.defaults(), loop -> (req, res) -> {
                        assertThat(loop.inLoop()).isTrue();
                        threads.add(Thread.currentThread().getName());
                        res.header("Content-Type", "text/plain").end(("hello " + req.path()).getBytes(StandardCharsets.US_ASCII));
                    });
            int n = 200;
            List<Socket> sockets = new ArrayList<>(n);
            try {
                for (int i = 0; i < n; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(10_000);
                    sockets.add(s);
                }
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < n; i++) {
                        OutputStream out = sockets.get(i).getOutputStream();
                        out.write(("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    for (int i = 0; i < n; i++) {
                        String body = "hello /" + i;
                        String expected = "Content-Length: " + body.length() + "\r\n";
                        String answer = readResponse(sockets.get(i).getInputStream(), body.length());
                        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains(expected).endsWith("\r\n\r\n" + body);
                    }
                }
                assertThat(server.connectionCount()).isEqualTo(n);
                if (server.usesReusePort()) {
                    // The kernel spreads connections by a hash of their addresses: with 200, both
                    // loops get some (all on one would be a 1 in 2^199 chance).
                    assertThat(server.acceptedTotals()).hasSize(2).allSatisfy(c -> assertThat(c).isPositive());
                    assertThat(threads).hasSize(2);
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            server.shutdown(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertThat(server.connectionCount()).isZero();
        }
    }

    /** Reads one response whose body has {@code bodyLength} bytes. */
    private static String readResponse(InputStream in, int bodyLength) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("closed inside a head: " + b);
            }
            b.append((char) c);
        }
        b.append(new String(in.readNBytes(bodyLength), StandardCharsets.US_ASCII));
        return b.toString();
    }
}
