package io.weft.internal.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.green.GreenSocket;
import io.weft.loop.EventLoop;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's working buffers belong to the loop, not to whichever thread runs the TLS code:
 * green threads writing TLS on one loop share the loop's buffers rather than each getting
 * ~66 KiB of its own for its whole life. Counted with {@link Scratch#buffersAllocated()}.
 */
@Timeout(60)
class ScratchPerLoopTest {
    static final int GREENS = 40;

    @Test
    void greenThreadsWritingTlsOnOneLoopShareItsBuffers() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost", "127.0.0.1");
        try (EventLoop loop = EventLoop.create()) {
            Server s = loop.runUntilComplete(Net.createServer(loop, Echo::new, new InetSocketAddress("127.0.0.1", 0),
                    ServerOptions.builder().tls(TlsOptions.builder(cert.serverContext()).build()).build()));
            int port = ((InetSocketAddress) s.addresses().get(0)).getPort();
            ConnectOptions tls = ConnectOptions.builder().tls(TlsOptions.builder(cert.clientContext())
                    .serverName("localhost").build()).build();
            // One exchange first, so the loop's own buffers exist before counting.
            loop.runUntilComplete(loop.spawn(() -> exchange(port, tls, 0)).withTimeout(Duration.ofSeconds(30)));

            long before = Scratch.buffersAllocated();
            List<Promise<byte[]>> all = new ArrayList<>();
            Promise<Void> release = loop.newPromise();
            Promise<Void> allExchanged = loop.newPromise();
            int[] exchanged = {0}; // green threads of one loop: no two run at once
            for (int i = 0; i < GREENS; i++) {
                int seed = i;
                // Each green thread stays alive (connection open) until all have written.
                all.add(loop.spawn(() -> {
                    try (GreenSocket c = GreenSocket.connect("127.0.0.1", port, tls)) {
                        byte[] sent = bytes(seed);
                        c.write(sent);
                        byte[] back = c.readExactly(sent.length);
                        if (++exchanged[0] == GREENS) {
                            allExchanged.complete(null);
                        }
                        io.weft.green.Green.await(release);
                        return Arrays.equals(back, sent) ? back : null;
                    }
                }));
            }
            loop.runUntilComplete(allExchanged.withTimeout(Duration.ofSeconds(30)));
            long allocated = Scratch.buffersAllocated() - before;
            release.complete(null);
            for (Promise<byte[]> p : all) {
                assertThat(loop.runUntilComplete(p.withTimeout(Duration.ofSeconds(30)))).isNotNull();
            }
            assertThat(allocated).as("working buffers allocated while %d green threads wrote TLS", GREENS)
                    .isLessThan(GREENS / 4);
            loop.runUntilComplete(s.shutdown(Duration.ofSeconds(10)));
        }
    }

    static byte[] exchange(int port, ConnectOptions tls, int seed) throws Exception {
        try (GreenSocket c = GreenSocket.connect("127.0.0.1", port, tls)) {
            byte[] sent = bytes(seed);
            c.write(sent);
            return c.readExactly(sent.length);
        }
    }

    static byte[] bytes(int seed) {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    /** The server's side: echoes what it gets. */
    static final class Echo implements Protocol {
        private Transport t;

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            t.write(data);
        }
    }
}
