package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Echo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a sanity number for the notes. 256 MiB through a TLS echo on loopback, server and
 * client on loops of their own threads, next to the same through plain TCP. Run with
 * {@code -Dweft.tls.throughput=true}; asserts only that every byte came back.
 */
@Timeout(300)
@EnabledIfSystemProperty(named = "weft.tls.throughput", matches = "true")
class TlsThroughputTest extends TlsTestBase {
    static final long TOTAL = 256L << 20;

    /** Sends a 64 KiB random block over and over; checks what comes back against it. */
    final class Blaster implements Protocol {
        final ByteBuffer block;
        final Promise<Long> done = loop.newPromise();
        Transport t;
        long sent;
        long received;
        boolean paused;
        boolean mismatch;

        Blaster(ByteBuffer block) {
            this.block = block;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            t.setWriteBufferLimits(256 * 1024, 64 * 1024);
            blast();
        }

        void blast() {
            while (!paused && sent < TOTAL) {
                ByteBuffer b = block.duplicate().clear();
                sent += b.remaining();
                t.write(b);
            }
        }

        @Override
        public void pauseWriting() {
            paused = true;
        }

        @Override
        public void resumeWriting() {
            paused = false;
            blast();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                int at = (int) (received % block.capacity());
                int n = Math.min(data.remaining(), block.capacity() - at);
                if (data.slice(data.position(), n).mismatch(block.slice(at, n)) >= 0) {
                    mismatch = true;
                }
                data.position(data.position() + n);
                received += n;
            }
            if (received == TOTAL) {
                t.close();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (cause != null || mismatch) {
                done.fail(cause != null ? cause : new AssertionError("echo differs"));
            } else {
                done.complete(received);
            }
        }
    }

    double run(TlsOptions serverTls, TlsOptions clientTls) throws Exception {
        try (EventLoop serverLoop = EventLoop.start(LoopConfig.builder().threadName("tls-echo-server").build())) {
            CompletableFuture<Server> started = new CompletableFuture<>();
            serverLoop.execute(() -> Net.createServer(serverLoop, Echo::new, new InetSocketAddress("127.0.0.1", 0),
                    ServerOptions.builder().tls(serverTls).build()).whenComplete((s, e) -> {
                        if (e != null) {
                            started.completeExceptionally(e);
                        } else {
                            started.complete(s);
                        }
                    }));
            Server s = started.get(30, TimeUnit.SECONDS);
            byte[] random = new byte[64 * 1024];
            new Random(7).nextBytes(random);
            long start = loop.time();
            Blaster b = loop.runUntilComplete(Net.createConnection(loop, () -> new Blaster(ByteBuffer.wrap(random)),
                    "localhost", port(s), ConnectOptions.builder().tls(clientTls).build()));
            assertThat(loop.runUntilComplete(b.done.withTimeout(Duration.ofSeconds(250)))).isEqualTo(TOTAL);
            double seconds = (loop.time() - start) / 1e9;
            CompletableFuture<Void> closed = new CompletableFuture<>();
            serverLoop.execute(() -> s.shutdown(Duration.ofSeconds(5)).whenComplete((v, e) -> closed.complete(null)));
            closed.get(30, TimeUnit.SECONDS);
            return seconds;
        }
    }

    @Test
    void pushes256MiBThroughTlsEcho() throws Exception {
        // Warm-up: C2 takes a few hundred MiB to compile the AES-GCM paths; a cold run is 2-4x slower.
        for (int i = 0; i < 2; i++) {
            run(server().build(), client().build());
            run(server().build(), client().protocols("TLSv1.2").build());
        }
        double plain = run(null, null);
        double tls13 = run(server().build(), client().build());
        double tls12 = run(server().build(), client().protocols("TLSv1.2").build());
        System.out.printf("THROUGHPUT 256 MiB echo on loopback, after warm-up (each byte is encrypted and"
                + " decrypted twice):%n  plain TCP %.2f s (%.0f MiB/s)%n  TLS 1.3   %.2f s (%.0f MiB/s)%n"
                + "  TLS 1.2   %.2f s (%.0f MiB/s)%n", plain, 256 / plain, tls13, 256 / tls13, tls12, 256 / tls12);
    }
}
