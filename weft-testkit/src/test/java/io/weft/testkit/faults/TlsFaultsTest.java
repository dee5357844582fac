package io.weft.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.SelfSignedCertificate;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.TlsHandshakeException;
import io.weft.net.TlsOptions;
import io.weft.testkit.ManualClock;
import io.weft.testkit.faults.Peers.Client;
import io.weft.testkit.faults.Peers.Echo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Weft's TLS through a {@link FaultProxy}: a TCP stream cut in the middle of a record (no
 * close_notify, so the cut must not pass for a clean end), and a TLS connect into a blackhole.
 */
@Timeout(60)
class TlsFaultsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** A full TLS 1.3 record of 16 KiB plaintext on the wire: header 5, content type 1, tag 16. */
    private static final int FULL_RECORD = 5 + 16_384 + 1 + 16;
    private static SelfSignedCertificate cert;
    private EventLoop loop;
    private Server echo;
    private FaultProxy proxy;

    @BeforeAll
    static void makeCertificate() throws Exception {
        cert = SelfSignedCertificate.create("localhost", "127.0.0.1");
    }

    private void start(LoopConfig config) throws Exception {
        loop = EventLoop.create(config);
        echo = run(Net.createServer(loop, Echo::new, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerOptions.builder().tls(cert.serverOptions()).build()));
        proxy = FaultProxy.start((InetSocketAddress) echo.addresses().get(0));
    }

    @AfterEach
    void stop() {
        if (loop == null) {
            return;
        }
        try {
            proxy.close();
            run(echo.shutdown(Duration.ofSeconds(5)));
        } finally {
            loop.close();
        }
    }

    private <T> T run(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(PATIENCE));
    }

    @Test
    void aStreamCutInTheMiddleOfARecordIsATruncationErrorNotAnEof() throws Exception {
        start(LoopConfig.builder().build());
        Promise<Void> pong = loop.newPromise();
        Client c = new Client(loop) {
            @Override
            void onData() {
                if (received.size() >= 4) {
                    pong.complete(null);
                }
            }
        };
        run(Net.createConnection(loop, () -> c, proxy.address(),
                ConnectOptions.builder().tls(cert.clientOptions()).build()));
        // One round trip first, so that the handshake and any session tickets have all passed.
        c.t.write("ping".getBytes());
        run(pong);
        long before = proxy.toClient().bytesForwarded();
        // Cut the answer well inside its second record.
        proxy.toClient().truncateAfter(before + FULL_RECORD + 7_777);

        byte[] big = Peers.pattern(64 * 1024, 3);
        c.t.write(big);
        Throwable cause = run(c.lost);

        assertThat(cause).isInstanceOf(SSLException.class)
                .hasMessageContaining("without a TLS close_notify")
                .hasMessageContaining("in the middle of a record");
        byte[] got = Arrays.copyOfRange(c.received.toByteArray(), 4, c.received.size());
        assertThat(got.length).as("decrypted before the cut").isLessThan(big.length);
        assertThat(got).isEqualTo(Arrays.copyOf(big, got.length));
    }

    /**
     * TCP connects (the proxy accepts), so the connect timeout, which ends there, does not
     * apply; the handshake timeout does, and names itself.
     */
    @Test
    void aTlsConnectIntoABlackholeFailsWithTheHandshakeTimeout() throws Exception {
        // Real I/O on loopback lands within the 50 ms grace; then the clock jumps to the deadline.
        start(LoopConfig.builder().clock(ManualClock.autoJump(Duration.ofMillis(50))).build());
        proxy.toUpstream().blackhole(true); // the ClientHello goes nowhere

        Promise<Client> connect = Net.createConnection(loop, () -> new Client(loop), proxy.address(),
                ConnectOptions.builder().connectTimeout(Duration.ofSeconds(30))
                        .tls(TlsOptions.builder(cert.clientContext()).handshakeTimeout(Duration.ofSeconds(3)).build())
                        .build());
        Throwable failure = null;
        try {
            loop.runUntilComplete(connect);
        } catch (CompletionException e) {
            failure = e.getCause();
        }

        assertThat(failure).isInstanceOf(TlsHandshakeException.class).hasMessageContaining("did not finish within 3000 ms");
        assertThat(((TlsHandshakeException) failure).reason()).isEqualTo(TlsHandshakeException.Reason.TIMEOUT);
        assertThat(proxy.acceptedConnections()).as("TCP connected through the proxy").isEqualTo(1);
        long deadline = System.nanoTime() + PATIENCE.toNanos(); // the proxy's thread may lag on a busy machine
        while (proxy.toUpstream().bytesDropped() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(proxy.toUpstream().bytesDropped()).as("the ClientHello was swallowed").isPositive();
        assertThat(proxy.toClient().bytesForwarded()).as("and nothing came back").isZero();
    }
}
