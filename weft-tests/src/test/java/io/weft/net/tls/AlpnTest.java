package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.TlsHandshakeException;
import io.weft.net.TlsOptions;
import io.weft.net.tls.TlsFixtures.Pump;
import io.weft.net.tls.TlsFixtures.Recorder;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ALPN: both sides learn the protocol they agreed on, and no agreement fails the handshake. */
@Timeout(60)
class AlpnTest extends TlsTestBase {
    final AtomicReference<Recorder> serverSide = new AtomicReference<>();

    Server listen(TlsOptions tls) {
        return listen(() -> {
            Recorder r = new Recorder(loop, null);
            serverSide.set(r);
            return r;
        }, tls);
    }

    Pump connect(Server s, TlsOptions tls) {
        return loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 0), "localhost", port(s),
                ConnectOptions.builder().tls(tls).build()).withTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void bothSidesSeeTheProtocolTheyHaveInCommon() {
        Server s = listen(server().applicationProtocols("h2", "http/1.1").build());
        Pump c = connect(s, client().applicationProtocols("spdy/3", "http/1.1").build());
        assertThat(c.t.applicationProtocol()).contains("http/1.1");
        loop.runUntilComplete(serverSide.get().lost.withTimeout(Duration.ofSeconds(30)));
        assertThat(serverSide.get().t.applicationProtocol()).contains("http/1.1");
        shutdown(s);
    }

    @Test
    void noneIsNegotiatedWhenTheServerDoesNotAsk() {
        Server s = listen(server().build());
        Pump c = connect(s, client().applicationProtocols("h2").build());
        assertThat(c.t.applicationProtocol()).isEqualTo(Optional.empty());
        loop.runUntilComplete(c.done.withTimeout(Duration.ofSeconds(30)));
        shutdown(s);
    }

    @Test
    void noProtocolInCommonFailsTheHandshake() {
        Server s = listen(server().applicationProtocols("http/1.1").build());
        Throwable e = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 0), "localhost", port(s),
                ConnectOptions.builder().tls(client().applicationProtocols("h2").build()).build())
                .map(p -> (Throwable) null).recover(x -> x).withTimeout(Duration.ofSeconds(30)));
        assertThat(e).isInstanceOf(TlsHandshakeException.class);
        assertThat(((TlsHandshakeException) e).reason()).isEqualTo(TlsHandshakeException.Reason.NOTHING_IN_COMMON);
        assertThat(e).hasMessageContaining("no ALPN protocol in common");
        shutdown(s);
        assertThat(serverSide.get().events).isEmpty();
    }
}
