package io.weft.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.file.AsyncFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HttpResponse#sendFile}: a file as the body, pipelined and kept alive, HEAD included. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpSendFileTest {
    @TempDir
    Path dir;

    @Test
    void filesAreBodiesInOrderOnAKeptAliveConnection() throws Exception {
        byte[] content = new byte[5 << 20];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);
        CompletableFuture<Throwable> misuse = new CompletableFuture<>();
        HttpHandler handler = (req, res) -> AsyncFile.open(req.loop(), file).whenComplete((f, e) -> {
            long from = req.path().equals("/part") ? 1000 : 0;
            long count = req.path().equals("/part") ? 2_000_000 : content.length;
            res.header("Content-Type", "application/octet-stream");
            res.sendFile(f, from, count).whenComplete((n, failure) -> {
                f.close();
                try {
                    res.sendFile(f, 0, 1);
                } catch (IllegalStateException expected) {
                    misuse.complete(expected);
                }
            });
        });
        try (TestServer server = new TestServer(handler); RawClient c = new RawClient(server.port())) {
            c.send("GET /all HTTP/1.1\r\nHost: x\r\n\r\nGET /part HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /all HTTP/1.1\r\nHost: x\r\n\r\nGET /all HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawClient.Response all = c.read(false);
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.header("content-length")).isEqualTo(Integer.toString(content.length));
            assertThat(all.body()).isEqualTo(content);
            RawClient.Response part = c.read(false);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2_001_000));
            RawClient.Response head = c.read(true);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(content.length));
            RawClient.Response last = c.read(false);
            assertThat(last.body()).isEqualTo(content);
            assertThat(last.header("connection")).isEqualTo("close");
        }
        assertThat(misuse.get(10, TimeUnit.SECONDS)).hasMessageContaining("before the response's head was sent");
    }

    @Test
    void aContentLengthThatDisagreesIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("small.bin"), new byte[10]);
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        HttpHandler handler = (req, res) -> AsyncFile.open(req.loop(), file).whenComplete((f, e) -> {
            res.contentLength(5);
            try {
                res.sendFile(f, 0, 10);
            } catch (IllegalArgumentException expected) {
                refused.complete(expected);
            }
            res.contentLength(10);
            res.sendFile(f, 0, 10).whenComplete((n, x) -> f.close());
        });
        try (TestServer server = new TestServer(handler); RawClient c = new RawClient(server.port())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read(false).body()).hasSize(10);
        }
        assertThat(refused.get(10, TimeUnit.SECONDS)).hasMessageContaining("content length was set to 5");
    }
}
