package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import io.weft.internal.net.tls.TlsConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Weft server refuses a TLS 1.2 renegotiation the client starts (the default) the way the
 * JDK's own {@code jdk.tls.rejectClientInitiatedRenegotiation} does: a fatal
 * {@code handshake_failure} alert, then the connection closes. A client waiting for the
 * server's handshake records therefore hears of the refusal at once instead of waiting forever,
 * and the server's other connections go on.
 */
@Timeout(90)
class TlsRenegotiationRefusalTest extends TlsTestBase {
    /** Long enough never to fire on a working refusal; short enough to end a hang inside the test's timeout. */
    static final int CLIENT_READ_TIMEOUT_MS = 20_000;

    @Test
    void aJdkSocketClientThatRenegotiatesGetsAnAlertAndTheServerGoesOn() throws Exception {
        AtomicReference<EchoUntilLost> refused = new AtomicReference<>();
        Server s = listen(() -> {
            EchoUntilLost e = new EchoUntilLost();
            refused.compareAndSet(null, e);
            return e;
        }, server().build());
        Promise<Throwable> outcome = loop.newPromise();
        Thread jdkClient = Thread.ofPlatform().name("jdk-tls-client").start(() -> {
            Throwable seen = null;
            try (SSLSocket c = (SSLSocket) TlsFixtures.serverCert().clientContext().getSocketFactory()
                    .createSocket("127.0.0.1", port(s))) {
                c.setEnabledProtocols(new String[] {"TLSv1.2"});
                c.setSoTimeout(CLIENT_READ_TIMEOUT_MS);
                OutputStream out = c.getOutputStream();
                InputStream in = c.getInputStream();
                out.write('a');
                out.flush();
                assertThat(in.read()).isEqualTo('a');
                c.startHandshake(); // on an established TLS 1.2 connection: a renegotiation
                out.write('b');
                out.flush();
                int b = in.read();
                seen = new AssertionError("the renegotiation went through; read " + b);
            } catch (Throwable e) {
                seen = e;
            }
            Throwable result = seen;
            loop.execute(() -> outcome.complete(result));
        });
        Throwable e = loop.runUntilComplete(outcome.withTimeout(Duration.ofSeconds(60)));
        jdkClient.join();
        assertThat(e).as("the client hears the refusal, not a silent server")
                .isNotInstanceOf(SocketTimeoutException.class).isInstanceOf(SSLException.class);
        assertThat(e.getMessage()).containsIgnoringCase("handshake_failure");
        assertThat(loop.runUntilComplete(refused.get().lost.withTimeout(Duration.ofSeconds(10)))).isInstanceOf(SSLException.class).hasMessageContaining("renegotiation");

        // The same server still serves others.
        Pump p = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 64 * 1024), "localhost",
                port(s), ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build()));
        assertThat(loop.runUntilComplete(p.done.withTimeout(Duration.ofSeconds(30)))).isEqualTo(64 * 1024L);
        shutdown(s);
    }

    /** Echoes; {@link #lost} completes with the cause the connection ended with. */
    final class EchoUntilLost extends Echo {
        final Promise<Throwable> lost = loop.newPromise();

        @Override
        public void connectionLost(Throwable cause) {
            lost.complete(cause);
        }
    }

    /** The same through Weft's client, which also sits on an SSLEngine waiting for handshake records. */
    @Test
    void aWeftClientThatRenegotiatesFailsPromptlyWhileAnotherConnectionStreamsOn() {
        Server s = listen(Echo::new, server().build());
        long total = 4L << 20;
        Pump bystander = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, total), "localhost",
                port(s), ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build()));
        Pump renegotiator = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 1L << 20) {
            boolean rekeyed;

            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                if (!rekeyed && received > 0) {
                    rekeyed = true;
                    TlsConnection.of(t).rekey(); // TLS 1.2: a client-initiated renegotiation
                }
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().protocols("TLSv1.2").build()).build()));
        Throwable e = loop.runUntilComplete(renegotiator.done.map(n -> (Throwable) null)
                .recover(x -> x).withTimeout(Duration.ofSeconds(30)));
        assertThat(e).as("the renegotiating client's connection fails").isInstanceOf(SSLException.class);
        assertThat(e.getMessage()).containsIgnoringCase("handshake_failure");
        assertThat(loop.runUntilComplete(bystander.done.withTimeout(Duration.ofSeconds(60)))).isEqualTo(total);
        shutdown(s);
    }
}
