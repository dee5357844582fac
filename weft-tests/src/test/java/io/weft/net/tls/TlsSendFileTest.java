package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.file.AsyncFile;
import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sendFile over TLS keeps the copy path: the file's bytes are encrypted like any write (a zero-copy
 * send would put plaintext on the wire, and the client's TLS layer would fail), and arrive whole.
 */
@Timeout(120)
class TlsSendFileTest extends TlsTestBase {
    @TempDir
    Path dir;

    @Test
    void aFileSentOverTlsArrivesByteIdentical() throws Exception {
        byte[] content = new byte[3 << 20];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("tls.bin"), content);
        Promise<Long> sent = loop.newPromise();
        Server s = listen(() -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
                AsyncFile.open(loop, file).whenComplete((f, e) -> t.sendFile(f, 0, content.length).whenComplete((n, x) -> {
                    t.close();
                    // settled once the file is closed, so that teardown's descriptor check does
                    // not race the close (on the pool it is a task of its own)
                    f.close().whenComplete((v, ce) -> {
                        if (x != null) {
                            sent.fail(x);
                        } else {
                            sent.complete(n);
                        }
                    });
                }));
            }

            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, server().build());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Promise<Void> eof = loop.newPromise();
        Net.createConnection(loop, () -> new Protocol() {
            @Override
            public void connectionMade(Transport t) {
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                got.writeBytes(b);
            }

            @Override
            public boolean eofReceived() {
                eof.complete(null);
                return false;
            }

            @Override
            public void connectionLost(Throwable cause) {
                eof.complete(null);
            }
        }, "127.0.0.1", port(s), ConnectOptions.builder().tls(client().build()).build());
        assertThat(loop.runUntilComplete(sent.withTimeout(Duration.ofSeconds(60)))).isEqualTo(content.length);
        loop.runUntilComplete(eof.withTimeout(Duration.ofSeconds(60)));
        assertThat(got.toByteArray()).isEqualTo(content);
        shutdown(s);
    }
}
